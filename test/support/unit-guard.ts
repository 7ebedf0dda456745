/**
 * Unit tests (src/**\/*.test.ts, see test-kinds.ts) open no sockets: no PostgreSQL, no Chromium,
 * no stand-in servers. test/support/unit-bundle.ts calls {@link forbidSockets} before loading
 * them, so a unit test that listens (a server, a JWKS endpoint) or connects (a database, a
 * browser's DevTools, any HTTP call) fails at once with a line saying where it belongs.
 */
import net from 'node:net';

/**
 * Makes every later listen or connect in this process throw.
 * @example
 * forbidSockets();
 * net.createServer().listen(0); // throws: a unit test may not listen on a socket
 */
export function forbidSockets(): void {
  const refuse = (what: string) =>
    function refused(): never {
      throw new Error(
        `a unit test (src/**/*.test.ts) may not ${what}: use the in-memory ports of src/core/testing.ts, ` +
          'or move the test to test/, where the runner provides PostgreSQL and servers may run.',
      );
    };
  net.Server.prototype.listen = refuse('listen on a socket (start a server)');
  net.Socket.prototype.connect = refuse('open a network connection');
}
