/**
 * Start-up of the local server as something its request listener can wait on: the listener is
 * attached before the port opens, so a request that arrives while the routes are still being
 * built (the issuer's keys, the verifier, the stores) waits for them — at most a few seconds —
 * and is never left unanswered.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { abortable } from '../core/deadline.ts';
import { json } from '../http/response.ts';
import { writeResult } from './proxy-event.ts';

export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/** A request that arrives during start-up waits at most this long for the routes. */
export const STARTUP_WAIT_MS = 10_000;

/**
 * @example
 * const gate = startupGate();
 * server.on('request', gate.listener);
 * server.listen(port);
 * // ... build the routes ...
 * gate.open(handle);
 */
export function startupGate(waitMs = STARTUP_WAIT_MS) {
  let open!: (listener: RequestListener) => void;
  let fail!: (err: unknown) => void;
  const ready = new Promise<RequestListener>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  ready.catch(() => undefined);
  let current: RequestListener | undefined;
  void ready.then((l) => {
    current = l;
  });
  const notReady = (res: ServerResponse) => {
    if (res.headersSent) return void res.end();
    writeResult(
      res,
      json(
        503,
        { error: { code: 'STARTING', message: 'The server is starting. Please try again.' } },
        { 'retry-after': '1' },
      ),
    );
  };
  const listener: RequestListener = (req, res) => {
    if (current) return current(req, res);
    abortable(ready, AbortSignal.timeout(waitMs), () => new Error('start-up is taking too long')).then(
      (l) => l(req, res),
      () => notReady(res),
    );
  };
  return { listener, open, fail };
}

/**
 * Malformed HTTP (bad request line, oversized headers, a bad chunk): a plain 400 and close,
 * as Node does by default, and a socket error is never left unhandled.
 */
export function onClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const status = err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
  socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
}
