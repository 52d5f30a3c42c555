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

/**
 * Two different free ports (serverless offline's HTTP and Lambda ports): the OS may hand the same free port
 * to two `freePort` calls in a row, and serverless offline on one port for both answers the Lambda API's
 * invocations with its HTTP API, so no event ever reaches the function.
 */
export const twoFreePorts = async (): Promise<[number, number]> => {
  const first = await freePort();
  let second = await freePort();
  while (second === first) second = await freePort();
  return [first, second];
};
