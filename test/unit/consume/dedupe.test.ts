import { randomUUID } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { createRecordProcessor } from '../../../functions/consume/consume.js';
import type { HandlerRegistry } from '../../../functions/consume/handlers/types.js';
import { type Dedupe, EventInProgressError } from '../../../shared/dedupe/port.js';
import { createFakeDedupe } from '../../helpers/fake-dedupe.js';
import { createFakeLogger } from '../../helpers/fake-logger.js';
import { rawRecord, recordFor, STORE_HASH } from '../../helpers/records.js';

const setup = (handlers: HandlerRegistry, dedupe: Dedupe = createFakeDedupe().dedupe) => {
  const log = createFakeLogger();
  return { ...log, process: createRecordProcessor({ handlers, logger: log.logger, dedupe }) };
};

/** The same BigCommerce event delivered again: a new SQS message and a new EventBridge id. */
const redeliver = (
  record: { messageId: string; body: string },
  edit?: (detail: {
    hash: string;
    created_at?: number;
    producer: string;
    scope: string;
    data: unknown;
  }) => void,
) => {
  const event = JSON.parse(record.body);
  edit?.(event.detail);
  return { messageId: `redelivery-${randomUUID()}`, body: JSON.stringify({ ...event, id: randomUUID() }) };
};

describe('Function: consume, duplicates', () => {
  it('runs the handler once for an event delivered twice, and acknowledges the copy with one info line', async () => {
    // Prepare
    const handle = vi.fn();
    const { process, lines } = setup({ 'store/order/created': handle });
    const first = recordFor('store/order/created');
    const copy = redeliver(first);

    // Act
    const outcomes = [await process(first), await process(copy)];

    // Assess
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['handled', 'duplicate']);
    expect(handle).toHaveBeenCalledTimes(1);
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'info',
        message: 'duplicate event skipped',
        keys: expect.objectContaining({ messageId: copy.messageId, storeHash: STORE_HASH }),
        extra: { firstMessageId: first.messageId, firstEventBridgeId: JSON.parse(first.body).id },
      }),
    ]);
  });

  it('treats a copy whose hash differs only in letter case as the same event', async () => {
    // Prepare
    const handle = vi.fn();
    const { process } = setup({ 'store/order/created': handle });
    const first = recordFor('store/order/created');

    // Act
    await process(first);
    const outcome = await process(redeliver(first, (detail) => (detail.hash = detail.hash.toUpperCase())));

    // Assess
    expect(outcome.status).toBe('duplicate');
    expect(handle).toHaveBeenCalledTimes(1);
  });

  it('runs the handler for each update of one order when BigCommerce gives them the same hash', async () => {
    // Prepare: `hash` is documented as the SHA-1 of the payload data, which is {type, id} for every update.
    const handle = vi.fn();
    const { process, lines } = setup({ 'store/order/updated': handle });
    const first = recordFor('store/order/updated', { type: 'order', id: 5 });
    const later = redeliver(first, (detail) => {
      detail.created_at = (detail.created_at ?? 0) + 60;
    });

    // Act
    const outcomes = [await process(first), await process(later)];

    // Assess
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['handled', 'handled']);
    expect(handle).toHaveBeenCalledTimes(2);
    expect(lines).toEqual([]);
  });

  it.each([
    [
      'another scope',
      (detail: { scope: string }) => {
        detail.scope = 'store/order/archived';
      },
    ],
    [
      'a field outside the schema of its data',
      (detail: { data: unknown }) => {
        detail.data = { type: 'order', id: 5, channel_id: 2 };
      },
    ],
  ])('runs the handler for an event that shares a hash with a handled one but has %s', async (_, edit) => {
    // Prepare
    const handle = vi.fn();
    const { process } = setup({ 'store/order/*': handle });
    const first = recordFor('store/order/updated', { type: 'order', id: 5 });

    // Act
    await process(first);
    const outcome = await process(redeliver(first, edit));

    // Assess
    expect(outcome.status).toBe('handled');
    expect(handle).toHaveBeenCalledTimes(2);
  });

  it('treats a copy whose producer store hash differs only in letter case as the same event', async () => {
    // Prepare
    const handle = vi.fn();
    const { process } = setup({ 'store/order/created': handle });
    const first = recordFor('store/order/created');
    const shouted = redeliver(first, (detail) => {
      detail.producer = detail.producer.toUpperCase().replace('STORES/', 'stores/');
    });

    // Act
    const outcomes = [await process(shouted), await process(first)];

    // Assess
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['handled', 'duplicate']);
    expect(handle).toHaveBeenCalledTimes(1);
    expect(handle.mock.calls[0]?.[1].storeHash).toBe(STORE_HASH);
  });

  it('treats deliveries without created_at as one event when store, scope, hash and data match', async () => {
    // Prepare
    const handle = vi.fn();
    const { process } = setup({ 'store/order/created': handle });
    const first = redeliver(recordFor('store/order/created'), (detail) => {
      delete detail.created_at;
    });

    // Act
    const outcomes = [await process(first), await process(redeliver(first))];

    // Assess
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['handled', 'duplicate']);
    expect(handle).toHaveBeenCalledTimes(1);
  });

  it('does not take an event without created_at for a copy of one with it', async () => {
    // Prepare
    const handle = vi.fn();
    const { process } = setup({ 'store/order/created': handle });
    const first = recordFor('store/order/created');
    const undated = redeliver(first, (detail) => {
      delete detail.created_at;
    });

    // Act
    const outcomes = [await process(first), await process(undated)];

    // Assess
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['handled', 'handled']);
    expect(handle).toHaveBeenCalledTimes(2);
  });

  it('does not mark an event done when its handler fails, so the next delivery runs it', async () => {
    // Prepare
    const handle = vi.fn().mockRejectedValueOnce(new Error('downstream down')).mockResolvedValue(undefined);
    const { process } = setup({ 'store/order/created': handle });
    const first = recordFor('store/order/created');

    // Act
    const failed = process(first);
    await expect(failed).rejects.toThrow('downstream down');
    const retried = await process(redeliver(first));

    // Assess
    expect(retried.status).toBe('handled');
    expect(handle).toHaveBeenCalledTimes(2);
  });

  it('keys on the store as well as the hash', async () => {
    // Prepare
    const handle = vi.fn();
    const { process } = setup({ 'store/order/created': handle });
    const first = recordFor('store/order/created');
    const otherStore = JSON.parse(redeliver(first).body);
    otherStore.detail.producer = 'stores/otherstore1';

    // Act
    await process(first);
    const outcome = await process(rawRecord(JSON.stringify(otherStore)));

    // Assess
    expect(outcome.status).toBe('handled');
    expect(handle).toHaveBeenCalledTimes(2);
  });

  it('fails a copy while another invocation holds the event, with one warning, without calling the handler', async () => {
    // Prepare
    const handle = vi.fn();
    const held: Dedupe = {
      once: async () => {
        throw new EventInProgressError('held elsewhere');
      },
    };
    const { process, lines } = setup({ 'store/order/created': handle }, held);

    // Act
    const outcome = process(recordFor('store/order/created'));

    // Assess
    await expect(outcome).rejects.toBeInstanceOf(EventInProgressError);
    expect(handle).not.toHaveBeenCalled();
    expect(lines).toEqual([expect.objectContaining({ level: 'warn' })]);
  });

  it('fails the record when the dedupe store fails, saying so, without calling the handler', async () => {
    // Prepare
    const handle = vi.fn();
    const storeDown: Dedupe = {
      once: async () => {
        throw new Error('ProvisionedThroughputExceededException');
      },
    };
    const { process, lines } = setup({ 'store/order/created': handle }, storeDown);

    // Act
    const outcome = process(recordFor('store/order/created'));

    // Assess
    await expect(outcome).rejects.toThrow('ProvisionedThroughputExceededException');
    expect(handle).not.toHaveBeenCalled();
    expect(lines).toEqual([
      expect.objectContaining({ level: 'error', message: 'dedupe store failed; the record will be retried' }),
    ]);
  });

  it('logs a failing handler once, not again as a dedupe failure', async () => {
    // Prepare
    const { process, lines } = setup({
      'store/order/created': () => {
        throw new Error('boom');
      },
    });

    // Act
    await process(recordFor('store/order/created')).catch(() => undefined);

    // Assess
    expect(lines.map((line) => line.message)).toEqual(['handler failed; the record will be retried']);
  });

  it('asks the dedupe store only about records that reach a handler', async () => {
    // Prepare
    const once = vi.fn<Dedupe['once']>(async (_key, _delivery, work) => {
      await work();
      return { status: 'ran' };
    });
    const { process } = setup({ 'store/order/created': vi.fn() }, { once });
    const handled = recordFor('store/order/created');

    // Act
    await Promise.allSettled([
      process(rawRecord('{"truncated":')),
      process(recordFor('store/order/created', { type: 'order', id: 'not a number' })),
      process(recordFor('store/teleporter/created', { id: 1 })),
      process(recordFor('store/customer/created')),
      process(handled),
    ]);

    // Assess
    expect(once).toHaveBeenCalledTimes(1);
    const { detail } = JSON.parse(handled.body);
    expect(once.mock.calls[0]?.[0]).toEqual({
      storeHash: STORE_HASH,
      scope: 'store/order/created',
      createdAt: String(detail.created_at),
      hash: detail.hash,
      data: detail.data,
    });
    expect(once.mock.calls[0]?.[1]).toEqual({
      messageId: handled.messageId,
      eventBridgeId: JSON.parse(handled.body).id,
    });
  });
});
