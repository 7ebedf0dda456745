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
} as const;

const HELP = `claims — ask about health-plan claims in plain words, safely

Usage: claims <command> [options]

Commands:
  serve       Start the API, chat page and admin page locally (embedded PostgreSQL, offline model)
  ask         Ask one question as a member
  check-sql   Validate SQL from standard input against the safety rules
  members     List the seeded demo families and their people
  eval        Run the evaluation set and report accuracy

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

// Exit explicitly: a pool or server left open must not keep a finished command alive.
process.exit(await main(process.argv.slice(2)));
