import type { SQSEvent } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createConsumeHandler } from '../../../functions/consume/lambda.js';
import { logger } from '../../../shared/logger.js';
import { fakeContext } from '../../helpers/context.js';
import { createFakeDedupe } from '../../helpers/fake-dedupe.js';
import { loadEvent } from '../../helpers/load-event.js';
import { recordFor } from '../../helpers/records.js';

const sqsEvent = (records: { messageId: string; body: string }[]): SQSEvent => {
  const template = loadEvent('consume', 'store-order-created').Records[0];
  if (!template) throw new Error('fixture has no record');
  return { Records: records.map((record) => ({ ...template, ...record })) };
};

/**
 * The JSON lines the service's Powertools logger writes while `act` runs, in order, the consumer's EMF
 * metric lines left out. test/setup.ts keeps the logger SILENT, and each invocation resets it to that
 * level (Powertools' sampling refresh): a handler that logs raises it first ({@link loudly}).
 */
const loggedBy = async (act: () => Promise<unknown>): Promise<Record<string, unknown>[]> => {
  const written: string[] = [];
  const keep = (chunk: unknown) => {
    written.push(String(chunk));
    return true;
  };
  // Powertools writes ERROR and WARN lines to stderr, the others to stdout.
  const spies = [
    vi.spyOn(process.stdout, 'write').mockImplementation(keep),
    vi.spyOn(process.stderr, 'write').mockImplementation(keep),
  ];
  try {
    await act();
  } finally {
    for (const spy of spies) spy.mockRestore();
    logger.setLogLevel('SILENT');
  }
  return written
    .flatMap((text) => text.split('\n'))
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => !('_aws' in line));
};

/** Logs `message` at INFO through the service's logger, whatever level the invocation reset it to. */
const loudly = (message: string) => {
  logger.setLogLevel('INFO');
  logger.info(message);
};

afterEach(() => {
  vi.restoreAllMocks();
});

describe('Function: consume (Lambda adapter), logging', () => {
  it("puts each invocation's Lambda context on that invocation's lines", async () => {
    // Prepare
    const handler = createConsumeHandler({
      handlers: { 'store/order/created': () => loudly('handled') },
      dedupe: createFakeDedupe().dedupe,
    });
    const first = { ...fakeContext(), awsRequestId: 'request-1' };
    const second = { ...fakeContext(), awsRequestId: 'request-2' };

    // Act
    const lines = await loggedBy(async () => {
      await handler(sqsEvent([recordFor('store/order/created')]), first);
      await handler(sqsEvent([recordFor('store/order/created')]), second);
    });

    // Assess
    expect(lines.map((line) => [line.message, line.function_request_id])).toEqual([
      ['handled', 'request-1'],
      ['handled', 'request-2'],
    ]);
    expect(lines[0]).toMatchObject({ function_name: first.functionName });
  });

  it('drops keys a handler appended to the service logger when its invocation ends', async () => {
    // Prepare: the first invocation's handler appends a key; the second's logs without appending.
    const handler = createConsumeHandler({
      handlers: {
        'store/order/created': (event) => {
          if (event.data.id === 1) logger.appendKeys({ tenant: 'from-the-first-invocation' });
          loudly(`order ${event.data.id}`);
        },
      },
      dedupe: createFakeDedupe().dedupe,
    });

    // Act
    const lines = await loggedBy(async () => {
      await handler(sqsEvent([recordFor('store/order/created', { type: 'order', id: 1 })]), fakeContext());
      await handler(sqsEvent([recordFor('store/order/created', { type: 'order', id: 2 })]), fakeContext());
    });

    // Assess
    expect(lines.map((line) => [line.message, line.tenant])).toEqual([
      ['order 1', 'from-the-first-invocation'],
      ['order 2', undefined],
    ]);
  });
});
