import { installLastResort } from '../runtime/last-resort.ts';
import { startLocalServer } from '../server/local.ts';
import { parse, print, UsageError } from './args.ts';

const HELP = `Usage: claims serve [--port N] [--data-dir DIR]

Starts the whole product locally: embedded PostgreSQL (data kept in DIR, default .data/;
DATABASE_URL uses an external server instead), migrations, synthetic seed data, the Bedrock
stand-in (or Bedrock with LLM_PROVIDER=bedrock and BEDROCK_MODEL_ID), the API, the
chat page and the admin page. Stop with Ctrl-C.`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parse(argv, { port: { type: 'string' }, 'data-dir': { type: 'string' } });
  if (values.help) {
    print(HELP);
    return 0;
  }
  const port = values.port === undefined ? 3000 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError('--port needs a number from 0 to 65535');
  const t0 = performance.now();
  const server = await startLocalServer({
    port,
    dataDir: values['data-dir'],
    onProgress: (line) => print(`  ${line}`),
  });
  // An error nobody handled: logged without member data; serving goes on when that is safe.
  installLastResort(() => server.stop());
  print(`claims-assistant is ready in ${Math.round(performance.now() - t0)} ms`);
  print(`  chat page   ${server.url}/`);
  print(`  admin page  ${server.url}/admin`);
  print(`  API         ${server.url}/v1/ask  (POST, Authorization: Bearer <token>)`);
  print(`  health      ${server.url}/v1/health`);
  const { standin, llmEndpoint } = server.runtime;
  print(
    `  model       ${standin ? `Bedrock stand-in at ${standin.url}` : llmEndpoint === 'bedrock' ? 'Amazon Bedrock' : `Bedrock endpoint ${llmEndpoint}`}`,
  );
  await new Promise<void>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, resolve);
  });
  print('stopping…');
  await server.stop();
  return 0;
}
