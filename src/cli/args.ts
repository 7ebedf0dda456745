import { type ParseArgsConfig, parseArgs } from 'node:util';
import { isMemberId, isPersonId } from '../core/ids.ts';

/** A usage mistake: printed as one line, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A failure the user should read as one clear line, exit code 1. */
export class CliError extends Error {
  override readonly name = 'CliError';
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** parseArgs with `--help` built in and usage errors turned into UsageError. */
export function parse<O extends Options>(argv: string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({
      args: argv,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals,
      strict: true,
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** `--member`: a member id (10 digits, see core/ids.ts). */
export function memberIdArg(value: unknown): string {
  if (!isMemberId(value)) {
    throw new UsageError('--member needs a 10-digit member id, for example --member 1000000001');
  }
  return value;
}

/** `--person`: a person id of that member's family (`<member id>-NN`). */
export function personIdArg(value: unknown, memberId: string): string | undefined {
  if (value === undefined) return undefined;
  if (!isPersonId(value, memberId)) {
    throw new UsageError(`--person needs a person id of that family, for example --person ${memberId}-02`);
  }
  return value;
}

export async function readStdin(): Promise<string> {
  if (process.stdin.isTTY)
    throw new UsageError(
      'Pipe the SQL on standard input, for example: echo "SELECT ..." | claims check-sql --member ID',
    );
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export const print = (line = '') => process.stdout.write(`${line}\n`);
export const printJson = (value: unknown) => print(JSON.stringify(value));
