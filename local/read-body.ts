import type { IncomingMessage } from 'node:http';

/** The body of a request as UTF-8 text; rejects once it grows past `maxBytes`. */
export const readBody = async (request: IncomingMessage, maxBytes = 1_048_576): Promise<string> => {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > maxBytes) throw new Error(`body over ${maxBytes} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
};
