import { createServer } from 'node:net';

/**
 * A port free on 127.0.0.1 right now, for a server that cannot be told to pick one itself (serverless
 * offline): fixed ports collide when two runs of the suite share a machine.
 */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
