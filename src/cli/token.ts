import { isPersonId } from '../core/ids.ts';
import { CliError, parse, print, UsageError } from './args.ts';

const HELP = `Usage: claims token --person ID [--role admin] [--port N] [--host H]

Prints a bearer token (a signed ID token) for a seeded person from the local server's dev issuer
(POST /dev/token on a running 'claims serve' / 'npm start', default port 3000), for scripts and
integrators without a browser. Local only: a deployed API takes Cognito's tokens.

  curl -s http://127.0.0.1:3000/v1/ask -H "Authorization: Bearer $(npx claims token --person 1000000001-01)" \\
    -H 'Content-Type: application/json' -d '{"question": "How many claims did I have this year?"}'`;

/** `<10-digit member id>-NN`, as the seeded people are numbered. */

export async function run(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    person: { type: 'string' },
    role: { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string' },
  });
  if (values.help) {
    print(HELP);
    return 0;
  }
  const person = values.person;
  if (person === undefined || !isPersonId(person))
    throw new UsageError('--person needs a seeded person id, for example --person 1000000001-01');
  const role = values.role ?? 'member';
  if (role !== 'member' && role !== 'admin') throw new UsageError('--role is member or admin');
  const port = values.port === undefined ? 3000 : Number(values.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new UsageError('--port needs a number from 1 to 65535');
  const host = values.host ?? '127.0.0.1';
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}/dev/token`;

  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ personId: person, role }),
      signal: AbortSignal.timeout(10_000),
    });
  } catch {
    throw new CliError(
      `no local server answers at ${url} (start one with 'npm start' or 'claims serve --port ${port}')`,
    );
  }
  const body = (await res.json().catch(() => undefined)) as
    | { token?: unknown; error?: { message?: unknown } }
    | undefined;
  if (!res.ok || typeof body?.token !== 'string')
    throw new CliError(
      `the local server refused (HTTP ${res.status}${typeof body?.error?.message === 'string' ? `: ${body.error.message}` : ''})`,
    );
  print(body.token);
  return 0;
}
