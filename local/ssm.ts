/**
 * The offline stack's SSM Parameter Store: GetParameter and PutParameter over the real AWS JSON 1.1
 * protocol (`X-Amz-Target: AmazonSSM.<Op>`), so the functions' own SSM client (Powertools Parameters,
 * the AWS SDK) reads it through AWS_ENDPOINT_URL_SSM unchanged. A SecureString's value comes back only
 * with `WithDecryption`, as in AWS; without it, an opaque stand-in for the ciphertext.
 * @see https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameter.html
 */
import { randomUUID } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from './read-body.js';
import { ACCOUNT_ID, HOST, REGION } from './stack-config.js';

interface Parameter {
  Name: string;
  Type: 'String' | 'SecureString' | 'StringList';
  Value: string;
  Version: number;
  LastModifiedDate: number;
}

export interface LocalSsm {
  /** The endpoint to set as AWS_ENDPOINT_URL_SSM. */
  url: string;
  /** Stores a parameter (a new version when it exists), as PutParameter with Overwrite does. */
  put(name: string, value: string, type?: Parameter['Type']): void;
  /** Every operation received, in order (`GetParameter /name`), for tests that count reads. */
  calls: string[];
  close(): Promise<void>;
}

const CONTENT_TYPE = 'application/x-amz-json-1.1';

const send = (response: ServerResponse, status: number, body: unknown) => {
  response.writeHead(status, { 'content-type': CONTENT_TYPE, 'x-amzn-requestid': randomUUID() });
  response.end(JSON.stringify(body));
};

const error = (response: ServerResponse, type: string, message: string) =>
  send(response, 400, { __type: type, message });

/** Starts the SSM emulator on 127.0.0.1 (`port` 0: a free one). */
export const startSsm = async (port = 0): Promise<LocalSsm> => {
  const parameters = new Map<string, Parameter>();
  const calls: string[] = [];
  const put = (name: string, value: string, type: Parameter['Type'] = 'SecureString') => {
    const version = (parameters.get(name)?.Version ?? 0) + 1;
    parameters.set(name, {
      Name: name,
      Type: type,
      Value: value,
      Version: version,
      LastModifiedDate: Date.now() / 1000,
    });
    return version;
  };
  const arnOf = (name: string) =>
    `arn:aws:ssm:${REGION}:${ACCOUNT_ID}:parameter${name.startsWith('/') ? '' : '/'}${name}`;

  const server = createServer((request, response) => {
    void (async () => {
      const operation = String(request.headers['x-amz-target'] ?? '').replace(/^AmazonSSM\./, '');
      let input: {
        Name?: unknown;
        Value?: unknown;
        Type?: unknown;
        Overwrite?: unknown;
        WithDecryption?: unknown;
      };
      try {
        input = JSON.parse((await readBody(request)) || '{}');
      } catch {
        return error(response, 'SerializationException', 'the body is not JSON');
      }
      const name = typeof input.Name === 'string' ? input.Name : '';
      calls.push(`${operation} ${name}`);
      if (!name) return error(response, 'ValidationException', 'Name is required');
      if (operation === 'GetParameter') {
        const found = parameters.get(name);
        if (!found) return error(response, 'ParameterNotFound', `Parameter ${name} not found.`);
        const hidden = found.Type === 'SecureString' && input.WithDecryption !== true;
        return send(response, 200, {
          Parameter: {
            ...found,
            Value: hidden ? Buffer.from(`ciphertext:${found.Version}`).toString('base64') : found.Value,
            ARN: arnOf(name),
            DataType: 'text',
          },
        });
      }
      if (operation === 'PutParameter') {
        if (typeof input.Value !== 'string')
          return error(response, 'ValidationException', 'Value is required');
        if (parameters.has(name) && input.Overwrite !== true) {
          return error(response, 'ParameterAlreadyExists', `The parameter ${name} already exists.`);
        }
        const type = input.Type === 'String' || input.Type === 'StringList' ? input.Type : 'SecureString';
        return send(response, 200, { Version: put(name, input.Value, type), Tier: 'Standard' });
      }
      return error(
        response,
        'InvalidAction',
        `the offline SSM serves GetParameter and PutParameter, not ${operation}`,
      );
    })().catch((failure: unknown) => {
      if (!response.headersSent)
        send(response, 500, { __type: 'InternalServerError', message: String(failure) });
    });
  });
  await new Promise<void>((resolve) => server.listen(port, HOST, resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://${HOST}:${address.port}`,
    put: (name, value, type) => void put(name, value, type),
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

/** The client secret's parameter, as serverless.yml names it for the offline stack's stage by default. */
export const CLIENT_SECRET_PARAMETER = '/bigcommerce-webhooks/dev/client-secret';
