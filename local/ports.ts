import { connect, createServer } from 'node:net';
import { HOST } from './stack-config.js';

/** True when something accepts connections on `port`. */
export const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ host: HOST, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/** Resolves once `port` accepts connections; rejects after `timeoutMs`, or as soon as `exited()` says so. */
export const waitForPort = async (port: number, timeoutMs: number, exited: () => boolean = () => false) => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited()) throw new Error(`the process that should listen on ${HOST}:${port} exited`);
    if (await portOpen(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`nothing listens on ${HOST}:${port} after ${timeoutMs} ms`);
};

/** Fails with one clear message naming every port of `ports` already taken (another `npm start`?). */
export const assertPortsFree = async (ports: Record<string, number>) => {
  const taken: string[] = [];
  for (const [part, port] of Object.entries(ports))
    if (await portOpen(port)) taken.push(`${part} ${HOST}:${port}`);
  if (taken.length > 0) {
    throw new Error(
      `ports already in use: ${taken.join(', ')}. Is another \`npm start\` or \`npm run demo\` running?`,
    );
  }
};

/** A port free on the stack's host right now (the OS picks it; nothing holds it after). */
const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });

/**
 * `count` different ports free right now, for a server that cannot be told to pick one itself (serverless
 * offline). Different: the OS may hand the same free port to two calls in a row, and serverless offline on
 * one port for both answers the Lambda API's invocations with its HTTP API. Pick them after this process's
 * other servers listen: a port freed here may be the next one the OS gives a `listen(0)`.
 */
export const freePorts = async (count: number): Promise<number[]> => {
  const ports: number[] = [];
  while (ports.length < count) {
    const port = await freePort();
    if (!ports.includes(port)) ports.push(port);
  }
  return ports;
};
