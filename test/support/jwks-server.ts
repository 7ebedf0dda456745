/** A real HTTP JWKS endpoint on 127.0.0.1, for the verifier's production path (remote key set). */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JSONWebKeySet } from 'jose';

export interface JwksServer {
  readonly port: number;
  /** Sets what the server answers at `/.well-known/jwks.json` (404 until set). */
  serve(jwks: () => JSONWebKeySet): void;
  url(path: string): string;
  /** How many JWKS requests the server has answered. */
  readonly hits: () => number;
  close(): Promise<void>;
}

/** Starts a node:http server on 127.0.0.1 (random port) serving a JWKS. */
export async function startJwksServer(): Promise<JwksServer> {
  let jwks: (() => JSONWebKeySet) | undefined;
  let hits = 0;
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url?.endsWith('/.well-known/jwks.json') && jwks) {
      hits += 1;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks()));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    serve: (next) => {
      jwks = next;
    },
    url: (path) => `http://127.0.0.1:${port}${path}`,
    hits: () => hits,
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
