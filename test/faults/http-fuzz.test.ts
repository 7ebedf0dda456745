/**
 * Malformed HTTP against the local server (the same handlers as Lambda): broken request lines
 * and headers, bad bodies and encodings, every method on every route, odd paths, and a few
 * hundred seeded random mutations of a valid ask. Each must get a 4xx (or a closed connection for
 * bytes that are not HTTP at all) within seconds — never a 500, never a hang — and the server
 * must still answer a valid ask afterwards.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { DEMO_MEMBER_IDS } from '../../src/db/seed/lists.ts';
import { type LocalServer, startLocalServer } from '../../src/server/local.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';
import { askOnce } from '../support/load.ts';

const FAMILY = DEMO_MEMBER_IDS.family;
const HANG_MS = 5_000;

let db: TestDatabase;
let server: LocalServer;
let token: string;
let port: number;

const uncaught: string[] = [];
const recordUncaught = (err: unknown) => uncaught.push(`${(err as Error)?.name}: ${(err as { code?: string })?.code}`);

before(async () => {
  process.on('uncaughtException', recordUncaught);
  process.on('unhandledRejection', recordUncaught);
  db = await freshDatabase();
  server = await startLocalServer({ databaseUrl: db.adminUrl, env: { ASK_RATE_LIMIT: '100000' } });
  token = await server.issuer.issue({ memberId: FAMILY, personId: `${FAMILY}-01` });
  port = Number(new URL(server.url).port);
});

after(async () => {
  process.off('uncaughtException', recordUncaught);
  process.off('unhandledRejection', recordUncaught);
  await server?.stop();
  await db?.drop();
});

/** Sends raw bytes; resolves with the response's status (0: closed without one) or 'hung'. */
function raw(bytes: Buffer | string, opts: { halfClose?: boolean } = {}): Promise<number | 'hung'> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let data = '';
    let done = false;
    const finish = (v: number | 'hung') => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(v);
    };
    const timer = setTimeout(() => finish('hung'), HANG_MS);
    socket.on('data', (chunk) => {
      data += chunk.toString('latin1');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(data);
      if (m && data.includes('\r\n\r\n')) finish(Number(m[1]));
    });
    socket.on('error', () => finish(0));
    socket.on('close', () => finish(0));
    socket.write(bytes);
    if (opts.halfClose !== false) socket.end();
  });
}

function request(method: string, path: string, body = '', headers: Record<string, string> = {}): string {
  const all = {
    host: `127.0.0.1:${port}`,
    'content-type': 'application/json',
    authorization: `Bearer ${token}`,
    'content-length': String(Buffer.byteLength(body)),
    ...headers,
  };
  const lines = Object.entries(all)
    .filter(([, v]) => v !== '')
    .map(([k, v]) => `${k}: ${v}`);
  return `${method} ${path} HTTP/1.1\r\n${lines.join('\r\n')}\r\nconnection: close\r\n\r\n${body}`;
}

function assertFine(label: string, status: number | 'hung', allowed: (s: number) => boolean = (s) => s < 500): void {
  assert.notEqual(status, 'hung', `${label}: no answer within ${HANG_MS} ms`);
  assert.ok(status === 0 || allowed(status as number), `${label}: status ${status}`);
}

test('broken request lines, headers and framing: a 4xx or a closed connection, never a hang', async () => {
  const cases: [string, Buffer | string][] = [
    ['garbage', Buffer.from([0, 1, 2, 255, 254, 10, 13, 10, 13])],
    ['no version', 'GET /v1/health\r\n\r\n'],
    ['bad method token', 'G(T /v1/health HTTP/1.1\r\nhost: x\r\n\r\n'],
    ['header without colon', 'GET /v1/health HTTP/1.1\r\nhost x\r\n\r\n'],
    ['header with NUL', 'GET /v1/health HTTP/1.1\r\nhost: x\r\nx-a: a\0b\r\n\r\n'],
    ['huge header', `GET /v1/health HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(20_000)}\r\n\r\n`],
    ['CL and TE together', request('POST', '/v1/ask', '{"question":"hi"}', { 'transfer-encoding': 'chunked' })],
    ['two content-lengths', request('POST', '/v1/ask', '{}', { 'content-length': '2\r\ncontent-length: 5' })],
    [
      'bad chunk size',
      `${request('POST', '/v1/ask', '', { 'transfer-encoding': 'chunked', 'content-length': '' })}zz\r\n{}\r\n0\r\n\r\n`,
    ],
    ['negative content-length', request('POST', '/v1/ask', '{}', { 'content-length': '-1' })],
    ['body shorter than content-length', request('POST', '/v1/ask', '{"question":"hi"}', { 'content-length': '500' })],
    ['HTTP/2 preface', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'],
    ['asterisk target', 'OPTIONS * HTTP/1.1\r\nhost: x\r\n\r\n'],
    ['absolute target', `GET http://evil.example/v1/health HTTP/1.1\r\nhost: x\r\n\r\n`],
  ];
  const results = await Promise.all(cases.map(([, bytes]) => raw(bytes)));
  for (const [i, [label]] of cases.entries()) assertFine(label, results[i] ?? 'hung');
});

test('bad bodies and encodings on /v1/ask: a 4xx with a JSON error, never a 500', async () => {
  const bodies: [string, string | Buffer, Record<string, string>?][] = [
    ['empty', ''],
    ['not JSON', 'question=hi'],
    ['JSON array', '["How many claims?"]'],
    ['JSON null', 'null'],
    ['deep nesting', `${'['.repeat(5000)}${']'.repeat(5000)}`],
    ['question is an object', '{"question":{"text":"hi"}}'],
    ['NUL in the question', '{"question":"How many\\u0000 claims?"}'],
    ['lone surrogate', '{"question":"\\ud800 claims?"}'],
    [
      'invalid UTF-8 bytes',
      Buffer.concat([Buffer.from('{"question":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')]),
    ],
    ['UTF-16 body', Buffer.from('{"question":"hi"}', 'utf16le')],
    ['gzip header, plain body', '{"question":"hi"}', { 'content-encoding': 'gzip' }],
    ['xml content type', '<question>hi</question>', { 'content-type': 'application/xml' }],
    ['too long (301 characters)', JSON.stringify({ question: 'x'.repeat(301) })],
    ['far too large', JSON.stringify({ question: 'x'.repeat(70_000) })],
  ];
  const results = await Promise.all(
    bodies.map(([, body, headers]) =>
      raw(
        Buffer.concat([
          Buffer.from(
            request('POST', '/v1/ask', '', { 'content-length': String(Buffer.byteLength(body)), ...headers }),
          ),
          Buffer.from(body),
        ]),
      ),
    ),
  );
  for (const [i, [label]] of bodies.entries())
    assertFine(label, results[i] ?? 'hung', (s) => s === 200 || (s >= 400 && s < 500));
});

test('every method on every route, and odd paths: never a 500', async () => {
  const methods = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE'];
  const paths = [
    '/v1/ask',
    '/v1/health',
    '/v1/admin/templates',
    '/v1/admin/../../etc/passwd',
    '/dev/token',
    '/dev/people',
    '/v1/config',
    '//v1/ask',
    '/v1/ask/',
    '/%2e%2e/%2e%2e/etc/passwd',
    '/v1/%ZZ',
    `/${'a'.repeat(8000)}`,
    '/frontend/../package.json',
    '/?q=%00',
  ];
  const cases = methods.flatMap((m) => paths.map((p) => [m, p] as const));
  const results: (number | 'hung')[] = [];
  // In batches: the server shares the machine with the other tests.
  for (let i = 0; i < cases.length; i += 16) {
    results.push(
      ...(await Promise.all(
        cases.slice(i, i + 16).map(([m, p]) => raw(request(m, p, m === 'GET' || m === 'HEAD' ? '' : '{}'))),
      )),
    );
  }
  for (const [i, [m, p]] of cases.entries()) assertFine(`${m} ${p.slice(0, 40)}`, results[i] ?? 'hung');
  // The health endpoint takes GET only, as deployed (finding 11; openapi/openapi.json); OPTIONS is
  // a CORS preflight, answered 204 as API Gateway's mock does.
  for (const m of ['DELETE', 'POST', 'PUT', 'HEAD']) {
    const i = cases.findIndex(([cm, cp]) => cm === m && cp === '/v1/health');
    assert.equal(results[i], 405, `${m} /v1/health`);
  }
  const preflight = cases.findIndex(([cm, cp]) => cm === 'OPTIONS' && cp === '/v1/health');
  assert.equal(results[preflight], 204, 'OPTIONS /v1/health');
});

test('/dev/token with a NUL or nonsense in the person id: a 4xx, not a 500 (finding 11)', async () => {
  for (const personId of [`${FAMILY}-01\u0000`, '\u0000', 'x'.repeat(10_000), 42, null]) {
    const res = await fetch(`${server.url}/dev/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ personId }),
    });
    assert.ok(res.status >= 400 && res.status < 500, `${JSON.stringify(personId)?.slice(0, 20)}: ${res.status}`);
  }
});

/** A small deterministic PRNG (mulberry32), so a failure names a reproducible case. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('300 seeded random mutations of a valid ask: never a 500, never a hang; the server still answers', async () => {
  const valid = Buffer.from(
    request('POST', '/v1/ask', JSON.stringify({ question: 'How many claims did I have last year?' })),
  );
  const rnd = prng(16);
  const cases: Buffer[] = [];
  for (let i = 0; i < 300; i++) {
    const b = Buffer.from(valid);
    const kind = i % 4;
    const n = 1 + Math.floor(rnd() * 6);
    if (kind === 0) for (let j = 0; j < n; j++) b[Math.floor(rnd() * b.length)] = Math.floor(rnd() * 256);
    if (kind === 1) cases.push(b.subarray(0, Math.floor(rnd() * b.length)));
    else if (kind === 2) {
      const at = Math.floor(rnd() * b.length);
      cases.push(
        Buffer.concat([
          b.subarray(0, at),
          Buffer.from(String.fromCharCode(Math.floor(rnd() * 128)).repeat(n)),
          b.subarray(at),
        ]),
      );
    } else if (kind === 3) {
      const at = Math.floor(rnd() * b.length);
      cases.push(Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + n))]));
    } else cases.push(b);
  }
  const results: (number | 'hung')[] = [];
  for (let i = 0; i < cases.length; i += 25) {
    results.push(...(await Promise.all(cases.slice(i, i + 25).map((c) => raw(c)))));
  }
  // A mutated ask may still be valid (200), or its token broken (401) or its body (400).
  for (const i of cases.keys()) assertFine(`mutation ${i}`, results[i] ?? 'hung');
  assert.deepEqual(uncaught, [], 'nothing escaped to the process');
  const after = await askOnce(server.url, token, 'How many claims did I have last year?', 10_000);
  assert.equal(after.status, 200, 'still answers');
});

test('question length counts characters, not UTF-16 units: 300 emoji are accepted, 301 are not (finding 11)', async () => {
  const ask = (question: string) =>
    fetch(`${server.url}/v1/ask`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ question }),
    });
  const ok = await ask('👍'.repeat(300));
  assert.equal(ok.status, 200);
  assert.notEqual(((await ok.json()) as { code: string }).code, 'QUESTION_TOO_LONG');
  const long = await ask('👍'.repeat(301));
  assert.equal(long.status, 400);
  assert.equal(((await long.json()) as { error: { code: string } }).error.code, 'QUESTION_TOO_LONG');
});
