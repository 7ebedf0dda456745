/**
 * Per-pool type parsers that keep every cell JSON-safe (see `Cell` in src/core/ports.ts).
 * Passed as a pool's `types` option, so pg's global parsers stay untouched for other pools.
 */
import pg from 'pg';
import type { Cell } from '../core/ports.ts';

const OID = {
  BOOL: 16,
  INT8: 20,
  INT2: 21,
  INT4: 23,
  OID: 26,
  FLOAT4: 700,
  FLOAT8: 701,
  TIMESTAMP: 1114,
  TIMESTAMPTZ: 1184,
} as const;

type Parser = (text: string) => Cell;

const asText: Parser = (text) => text;

/** counts come back as INT8: a number when it is exact, else the decimal string. */
export const parseInt8: Parser = (text) => {
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : text;
};

const parseFiniteFloat: Parser = (text) => {
  const n = Number(text);
  return Number.isFinite(n) ? n : text; // NaN / Infinity are not JSON
};

/** '2024-03-05 10:20:30.5' → '2024-03-05T10:20:30.5' (no zone: it had none). */
export const parseTimestamp: Parser = (text) => (/^\d{4}-\d\d-\d\d \d/.test(text) ? text.replace(' ', 'T') : text);

/** '2024-03-05 10:20:30+02' → '2024-03-05T08:20:30.000Z'. */
export const parseTimestamptz: Parser = (text) => {
  const iso = text.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00');
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? text : d.toISOString();
};

const PARSERS: Record<number, Parser> = {
  [OID.BOOL]: (text) => text === 't',
  [OID.INT2]: Number,
  [OID.INT4]: Number,
  [OID.OID]: Number,
  [OID.INT8]: parseInt8,
  [OID.FLOAT4]: parseFiniteFloat,
  [OID.FLOAT8]: parseFiniteFloat,
  [OID.TIMESTAMP]: parseTimestamp,
  [OID.TIMESTAMPTZ]: parseTimestamptz,
};

/**
 * Type parsers for a pool whose rows go to members: NUMERIC stays a decimal string, DATE stays
 * 'YYYY-MM-DD' (with DateStyle ISO), and anything not listed (intervals, arrays, json) is the
 * server's text, never an object.
 *
 * @example
 * new pg.Pool({ connectionString, types: jsonSafeTypes })
 */
export const jsonSafeTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string) => {
    if (format === 'binary') return pg.types.getTypeParser(oid, 'binary');
    return PARSERS[oid] ?? asText;
  }) as pg.CustomTypesConfig['getTypeParser'],
};
