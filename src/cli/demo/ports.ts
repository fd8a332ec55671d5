import { createServer } from 'node:net';

function tryListen(port: number, host: string): Promise<number | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(null));
    server.listen(port, host, () => {
      const addr = server.address();
      const got = typeof addr === 'object' && addr ? addr.port : null;
      server.close(() => resolve(got));
    });
  });
}

/** `preferred` when it is free on `host`, else a free port the system picks. */
export async function pickPort(preferred: number, host: string): Promise<number> {
  const free = await tryListen(preferred, host);
  if (free !== null) return free;
  const any = await tryListen(0, host);
  if (any === null) throw new Error(`no free port on ${host}`);
  return any;
}
