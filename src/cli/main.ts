/**
 * `claims` — the command line for integrators and admins.
 * Each command lives in its own module; this file only dispatches and turns errors into exit codes.
 */
import { CliError, UsageError } from './args.ts';

const COMMANDS = {
  serve: () => import('./serve.ts'),
  ask: () => import('./ask.ts'),
  'check-sql': () => import('./check-sql.ts'),
  members: () => import('./members.ts'),
  eval: () => import('./eval.ts'),
  token: () => import('./token.ts'),
} as const;

const HELP = `claims — ask about health-plan claims in plain words, safely

Usage: claims <command> [options]

Commands:
  serve       Start the API, chat page and admin page locally (embedded PostgreSQL, offline model)
  ask         Ask one question as a member
  check-sql   Validate SQL from standard input against the safety rules
  members     List the seeded demo families and their people
  eval        Run the evaluation set and report accuracy
  token       Print a local bearer token for a seeded person (from a running 'claims serve')

Run 'claims <command> --help' for a command's options.
Environment: DATABASE_URL (external PostgreSQL), LLM_PROVIDER=bedrock with BEDROCK_MODEL_ID / AWS_REGION
(real Bedrock; BEDROCK_ENDPOINT for a compatible endpoint). All variables: README, Configuration.`;

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${HELP}\n`);
    return name ? 0 : 2;
  }
  const load = COMMANDS[name as keyof typeof COMMANDS];
  if (!load) {
    process.stderr.write(`claims: unknown command '${name}'. Run 'claims --help' for the list.\n`);
    return 2;
  }
  try {
    const command = await load();
    return await command.run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`claims ${name}: ${err.message} (see 'claims ${name} --help')\n`);
      return 2;
    }
    if (err instanceof CliError) {
      process.stderr.write(`claims ${name}: ${err.message}\n`);
      return 1;
    }
    // Unexpected: one line with the error's name and message, never a stack trace or member data.
    process.stderr.write(
      `claims ${name}: failed (${(err as Error)?.name ?? 'Error'}: ${(err as Error)?.message ?? err})\n`,
    );
    return 1;
  }
}

// A reader that goes away (`claims members | head`) is not an error of the command.
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => process.exit(process.exitCode ?? 0));
// Stopped from outside (timeout, a supervisor): exit normally, which stops an embedded PostgreSQL
// this command started. `claims serve` handles these signals itself (a graceful stop).
if (process.argv[2] !== 'serve') {
  process.once('SIGINT', () => process.exit(130));
  process.once('SIGTERM', () => process.exit(143));
}

const code = await main(process.argv.slice(2));
// Exit explicitly (a pool or server left open must not keep a finished command alive), but only
// once all output is written: writes to a pipe are asynchronous, and exit() would cut them short.
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
process.exit(code);

/** Resolves when everything written to `stream` so far has been handed to the OS. */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed || !stream.writable) return resolve();
    stream.write('', () => resolve());
  });
}
