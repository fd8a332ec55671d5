import { type AddressInfo, createServer, type Socket } from 'node:net';
import { Connection, type FrontDeps } from './front-connection.js';

export interface Front {
  port: number;
  /** Stops listening and cuts every connection, a hanging one included. */
  close(): Promise<void>;
}

/** Node's keepAliveTimeout, which the Keep-Alive header announces. */
const KEEP_ALIVE_MS = 5_000;

/**
 * The sandbox's listening socket. Node's HTTP server and express cost several times what the API itself does
 * per request, on a machine where the sandbox stands in for GHL and competes with Ringback and Postgres for
 * the CPU. So plain API requests (src/sandbox/plain-request.ts), which are all that Ringback's server sends,
 * are read and answered here with the bytes node and express would send; at the first request that is not
 * plain, the connection is handed, unread bytes included, to node's HTTP server and stays there.
 */
export function listenFront(port: number, deps: FrontDeps): Promise<Front> {
  const sockets = new Set<Socket>();
  const connections = new Set<Connection>();
  // The options node's HTTP server gives its own listening socket.
  const server = createServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    connections.add(new Connection(socket, deps, connections));
  });
  // One sweep instead of a timer per connection re-armed at every request: idle ones close 5 to 6 s after.
  const sweep = setInterval(() => {
    const now = Date.now();
    for (const c of connections) if (c.idleFor(now) >= KEEP_ALIVE_MS) c.socket.destroy();
  }, 1_000);
  sweep.unref();
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((done) => {
            clearInterval(sweep);
            server.close(() => done());
            for (const s of sockets) s.destroy();
          }),
      });
    });
  });
}
