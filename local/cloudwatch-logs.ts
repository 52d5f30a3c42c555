/**
 * The offline stack's CloudWatch Logs, for exactly the vended-log delivery calls the reconciler makes
 * (PutDeliverySource, GetDeliverySource, DeleteDeliverySource, PutDeliveryDestination,
 * GetDeliveryDestination, CreateDelivery, DescribeDeliveries, DeleteDelivery), over the real AWS JSON 1.1
 * protocol (`X-Amz-Target: Logs_20140328.<Op>`), so the SDK's client reaches it through
 * AWS_ENDPOINT_URL_CLOUDWATCH_LOGS unchanged. It keeps the rules the reconciler relies on: a source with a
 * delivery cannot be deleted, one source-destination pair has one delivery, a delivery needs both ends.
 * @see https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateDelivery.html
 * @see https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DeleteDeliverySource.html
 */
import { randomUUID } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from './read-body.js';
import { ACCOUNT_ID, HOST, REGION } from './stack-config.js';

interface DeliverySource {
  name: string;
  arn: string;
  resourceArns: string[];
  service: string;
  logType: string;
}

interface DeliveryDestination {
  name: string;
  arn: string;
  deliveryDestinationType: 'CWL';
  outputFormat?: string;
  deliveryDestinationConfiguration: { destinationResourceArn: string };
}

interface Delivery {
  id: string;
  arn: string;
  deliverySourceName: string;
  deliveryDestinationArn: string;
  deliveryDestinationType: 'CWL';
}

/** A failure the next call of `operation` answers with instead of its result. */
interface Fault {
  operation: string;
  type: string;
  status: number;
}

export interface LocalCloudWatchLogs {
  /** The endpoint to set as AWS_ENDPOINT_URL_CLOUDWATCH_LOGS. */
  url: string;
  /** Every operation received, in order, for tests that count calls. */
  calls: string[];
  /** Makes the next call of `operation` fail with `type` (default AccessDeniedException, HTTP 400). */
  failNext(operation: string, type?: string, status?: number): void;
  sources(): DeliverySource[];
  destinations(): DeliveryDestination[];
  deliveries(): Delivery[];
  /** Forgets every source, destination, delivery, armed fault and call (tests sharing one emulator). */
  reset(): void;
  close(): Promise<void>;
}

const CONTENT_TYPE = 'application/x-amz-json-1.1';
const NAME = /^[\w-]{1,60}$/;
const PAGE = 50;

class LogsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

const send = (response: ServerResponse, status: number, body: unknown) => {
  response.writeHead(status, { 'content-type': CONTENT_TYPE, 'x-amzn-requestid': randomUUID() });
  response.end(JSON.stringify(body));
};

const text = (input: Record<string, unknown>, field: string): string => {
  const value = input[field];
  if (typeof value !== 'string' || value === '')
    throw new LogsError('ValidationException', `${field} is required`);
  return value;
};

const name = (input: Record<string, unknown>, field = 'name'): string => {
  const value = text(input, field);
  if (!NAME.test(value)) throw new LogsError('ValidationException', `${field} must match [\\w-]{1,60}`);
  return value;
};

const notFound = (what: string) => new LogsError('ResourceNotFoundException', `${what} does not exist`);

/** Starts the CloudWatch Logs emulator on 127.0.0.1 (`port` 0: a free one). */
export const startCloudWatchLogs = async (port = 0): Promise<LocalCloudWatchLogs> => {
  const sources = new Map<string, DeliverySource>();
  const destinations = new Map<string, DeliveryDestination>();
  const deliveries = new Map<string, Delivery>();
  const faults: Fault[] = [];
  const calls: string[] = [];
  const arn = (kind: string, id: string) => `arn:aws:logs:${REGION}:${ACCOUNT_ID}:${kind}:${id}`;

  const operations: Record<string, (input: Record<string, unknown>) => unknown> = {
    PutDeliverySource: (input) => {
      const source: DeliverySource = {
        name: name(input),
        arn: arn('delivery-source', name(input)),
        resourceArns: [text(input, 'resourceArn')],
        service: text(input, 'resourceArn').split(':')[2] ?? '',
        logType: text(input, 'logType'),
      };
      sources.set(source.name, source);
      return { deliverySource: source };
    },
    GetDeliverySource: (input) => {
      const found = sources.get(name(input));
      if (!found) throw notFound(`delivery source ${name(input)}`);
      return { deliverySource: found };
    },
    DeleteDeliverySource: (input) => {
      const source = name(input);
      if (!sources.has(source)) throw notFound(`delivery source ${source}`);
      if ([...deliveries.values()].some((delivery) => delivery.deliverySourceName === source)) {
        throw new LogsError(
          'ConflictException',
          `delivery source ${source} has deliveries; delete them first`,
        );
      }
      sources.delete(source);
      return {};
    },
    PutDeliveryDestination: (input) => {
      const config = input.deliveryDestinationConfiguration as Record<string, unknown> | undefined;
      const destination: DeliveryDestination = {
        name: name(input),
        arn: arn('delivery-destination', name(input)),
        deliveryDestinationType: 'CWL',
        ...(typeof input.outputFormat === 'string' && { outputFormat: input.outputFormat }),
        deliveryDestinationConfiguration: {
          destinationResourceArn: text(config ?? {}, 'destinationResourceArn'),
        },
      };
      destinations.set(destination.name, destination);
      return { deliveryDestination: destination };
    },
    GetDeliveryDestination: (input) => {
      const found = destinations.get(name(input));
      if (!found) throw notFound(`delivery destination ${name(input)}`);
      return { deliveryDestination: found };
    },
    CreateDelivery: (input) => {
      const source = name(input, 'deliverySourceName');
      const destinationArn = text(input, 'deliveryDestinationArn');
      if (!sources.has(source)) throw notFound(`delivery source ${source}`);
      if (![...destinations.values()].some((destination) => destination.arn === destinationArn)) {
        throw notFound(`delivery destination ${destinationArn}`);
      }
      const taken = [...deliveries.values()].some(
        (delivery) =>
          delivery.deliverySourceName === source && delivery.deliveryDestinationArn === destinationArn,
      );
      if (taken)
        throw new LogsError('ConflictException', `a delivery from ${source} to ${destinationArn} exists`);
      const id = randomUUID().replaceAll('-', '').slice(0, 16);
      const delivery: Delivery = {
        id,
        arn: arn('delivery', id),
        deliverySourceName: source,
        deliveryDestinationArn: destinationArn,
        deliveryDestinationType: 'CWL',
      };
      deliveries.set(id, delivery);
      return { delivery };
    },
    DescribeDeliveries: (input) => {
      const all = [...deliveries.values()];
      const offset = typeof input.nextToken === 'string' ? Number(input.nextToken) : 0;
      const limit = typeof input.limit === 'number' ? Math.min(input.limit, PAGE) : PAGE;
      const end = offset + limit;
      return {
        deliveries: all.slice(offset, end),
        ...(end < all.length && { nextToken: String(end) }),
      };
    },
    DeleteDelivery: (input) => {
      const id = text(input, 'id');
      if (!deliveries.delete(id)) throw notFound(`delivery ${id}`);
      return {};
    },
  };

  const server = createServer((request, response) => {
    void (async () => {
      const operation = String(request.headers['x-amz-target'] ?? '').replace(/^Logs_20140328\./, '');
      calls.push(operation);
      let input: Record<string, unknown>;
      try {
        input = JSON.parse((await readBody(request)) || '{}');
      } catch {
        return send(response, 400, { __type: 'SerializationException', message: 'the body is not JSON' });
      }
      const handler = operations[operation];
      if (!handler) {
        return send(response, 400, {
          __type: 'InvalidAction',
          message: `the offline CloudWatch Logs serves the delivery calls, not ${operation}`,
        });
      }
      const fault = faults.findIndex((candidate) => candidate.operation === operation);
      if (fault >= 0) {
        const [{ type, status }] = faults.splice(fault, 1) as [Fault];
        return send(response, status, { __type: type, message: `injected ${type}` });
      }
      try {
        return send(response, 200, handler(input));
      } catch (failure) {
        if (failure instanceof LogsError) {
          return send(response, failure.status, { __type: failure.type, message: failure.message });
        }
        throw failure;
      }
    })().catch((failure: unknown) => {
      if (!response.headersSent)
        send(response, 500, { __type: 'ServiceUnavailableException', message: String(failure) });
    });
  });
  await new Promise<void>((resolve) => server.listen(port, HOST, resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://${HOST}:${address.port}`,
    calls,
    failNext: (operation, type = 'AccessDeniedException', status = 400) => {
      faults.push({ operation, type, status });
    },
    sources: () => [...sources.values()],
    destinations: () => [...destinations.values()],
    deliveries: () => [...deliveries.values()],
    reset: () => {
      for (const map of [sources, destinations, deliveries]) map.clear();
      faults.length = 0;
      calls.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
