import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDedupeTableClient } from '../../../shared/dedupe/table-client.js';

const saved = { ...process.env };
const folders: string[] = [];

afterEach(() => {
  for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
  Object.assign(process.env, saved);
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** A DynamoDB stand-in on 127.0.0.1 that answers every call with `{}` and keeps each Authorization header. */
const startTable = async () => {
  const authorizations: string[] = [];
  const server = createServer((request, response) => {
    authorizations.push(String(request.headers.authorization));
    request.resume();
    request.on('end', () =>
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end('{}'),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    authorizations,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};

describe('Dedupe table client: where its credentials and region come from', () => {
  it('signs with the key of the AWS_PROFILE profile when the environment holds no key', async () => {
    // Prepare: a shared credentials file with two profiles, no key in the environment.
    const folder = mkdtempSync(join(tmpdir(), 'dedupe-profile-'));
    folders.push(folder);
    const file = join(folder, 'credentials');
    writeFileSync(
      file,
      '[default]\naws_access_key_id = AKIADEFAULTEXAMPLE\naws_secret_access_key = default\n\n' +
        '[webhooks]\naws_access_key_id = AKIAPROFILEEXAMPLE\naws_secret_access_key = profile\n',
    );
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    process.env.AWS_SHARED_CREDENTIALS_FILE = file;
    process.env.AWS_PROFILE = 'webhooks';
    const table = await startTable();

    // Act
    const client = await createDedupeTableClient({ endpoint: table.endpoint })();
    await client.GetItem({ TableName: 'dedupe', Key: { id: 'k' } }).finally(table.stop);

    // Assess
    expect(table.authorizations).toHaveLength(1);
    expect(table.authorizations[0]).toContain('Credential=AKIAPROFILEEXAMPLE/');
    expect(table.authorizations[0]).toContain('/us-east-1/dynamodb/aws4_request');
  });

  it('fails its first call, naming the region, in a region aws-lite 0.23 does not list and no endpoint set', async () => {
    // Prepare: ca-west-1 (Calgary) is newer than aws-lite 0.23's region list; the README says so.
    process.env.AWS_REGION = 'ca-west-1';

    // Act
    const client = createDedupeTableClient();

    // Assess
    await expect(client()).rejects.toThrow('Invalid region specified: ca-west-1');
  });

  it('tries its setup again on the next call after one failed, instead of failing every call after', async () => {
    // Prepare: the first setup fails (a region aws-lite refuses), then the environment is right
    process.env.AWS_REGION = 'ca-west-1';
    const client = createDedupeTableClient();
    await expect(client()).rejects.toThrow('Invalid region specified');
    process.env.AWS_REGION = 'us-east-1';

    // Act
    const second = await client();

    // Assess
    expect(typeof second.GetItem).toBe('function');
  });
});
