import { type ParseArgsConfig, parseArgs } from 'node:util';

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

/** A member id as the database stores it: 1 to 18 digits (BIGINT). */
export function memberIdArg(value: unknown): string {
  if (typeof value !== 'string' || !/^\d{1,18}$/.test(value)) {
    throw new UsageError('--member needs a member id made of digits, for example --member 1000000001');
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
