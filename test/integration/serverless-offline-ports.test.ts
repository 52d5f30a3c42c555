import { createServer, type Server } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePorts } from '../../local/ports.js';
import { startServerlessOffline } from '../../local/serverless-offline.js';
import { HOST } from '../../local/stack-config.js';
import { copyWorkTree } from '../helpers/work-tree-copy.js';

const listen = (port: number) =>
  new Promise<Server>((resolve, reject) => {
    const server = createServer((socket) => socket.end());
    server.once('error', reject);
    server.listen(port, HOST, () => resolve(server));
  });

describe('Offline stack: serverless offline on its ports', () => {
  it('fails to start, rather than start on another process, when its HTTP port is taken', async () => {
    // Prepare: another server already listens on the port serverless offline is to use
    const [httpPort = 0, lambdaPort = 0] = await freePorts(2);
    const squatter = await listen(httpPort);
    const tree = copyWorkTree('serverless-offline-ports');
    const lines: string[] = [];
    try {
      // Act
      const started = startServerlessOffline({
        httpPort,
        lambdaPort,
        env: {},
        params: { awsAccountId: '123456789012', ingressBaseUrl: `http://${HOST}:${httpPort}` },
        output: (line) => lines.push(line),
        cwd: tree.dir,
      });

      // Assess: the port was open all along (the squatter's), yet it did not resolve
      await expect(started).rejects.toThrow(/exited/);
      expect(lines.join('\n')).toContain('EADDRINUSE');
    } finally {
      squatter.close();
      tree.remove();
    }
  }, 120_000);

  it('gives different ports for each one asked for', async () => {
    // Act
    const ports = await freePorts(5);

    // Assess
    expect(new Set(ports).size).toBe(5);
    expect(ports.every((port) => port > 0)).toBe(true);
  });
});
