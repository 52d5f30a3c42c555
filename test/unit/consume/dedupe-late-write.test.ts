import { describe, expect, it, vi } from 'vitest';
import { createIdempotentDedupe } from '../../../shared/dedupe/idempotency.js';
import { eventKeyOf } from '../../../shared/dedupe/port.js';
import { DEDUPE_ATTRIBUTES } from '../../../shared/dedupe/table.js';
import type { DedupeTableClient } from '../../../shared/dedupe/table-client.js';
import { fakeContext } from '../../helpers/context.js';

const eventKey = (id: number) =>
  eventKeyOf(
    {
      scope: 'store/order/created',
      data: { type: 'order', id },
      hash: String(id).padStart(40, 'e'),
      created_at: 1_764_290_000,
    },
    'k7q2m9x4p1',
  );

/** aws-lite's rejection for a DynamoDB error answer. */
const awsError = (name: string, statusCode: number) =>
  Object.assign(new Error(`@aws-lite/client: DynamoDB: ${name}`), { name, code: name, statusCode });

/**
 * One container on a fake table and a fake clock (each wait moves it; the invocation has 1 s left on it).
 * `table.next` answers the next UpdateItem calls in turn, `table.otherwise` the rest; `timers` are the
 * give-up timers, fired only when the test says.
 */
const container = (startMs = 0) => {
  const errors: { message: string; extra: object }[] = [];
  const table = {
    next: [] as (() => Promise<unknown>)[],
    otherwise: (): Promise<unknown> => Promise.reject(awsError('InternalServerError', 500)),
  };
  const clock = { ms: startMs };
  const updateValues: unknown[] = [];
  const calls: string[] = [];
  const timers: { ms: number; fire: () => void }[] = [];
  const puts: Record<string, unknown>[] = [];
  const answer = (name: string) => async (request: unknown) => {
    calls.push(name);
    const { Item } = request as { Item?: Record<string, unknown> };
    if (Item) puts.push(Item);
    return {};
  };
  const client: DedupeTableClient = {
    GetItem: answer('GetItem') as DedupeTableClient['GetItem'],
    PutItem: answer('PutItem'),
    UpdateItem: (request) => {
      calls.push('UpdateItem');
      updateValues.push(request.ExpressionAttributeValues);
      return (table.next.shift() ?? table.otherwise)() as ReturnType<DedupeTableClient['UpdateItem']>;
    },
    DeleteItem: answer('DeleteItem'),
  };
  const dedupe = createIdempotentDedupe({
    dynamo: async () => client,
    tableName: 'dedupe',
    windowSeconds: 3600,
    log: { error: (message, extra) => errors.push({ message, extra }) },
    completionRetry: {
      now: () => clock.ms,
      sleep: async (ms) => {
        clock.ms += ms;
      },
      random: () => 0.5,
      giveUpTimer: (ms, fire) => {
        timers.push({ ms, fire });
        return () => undefined;
      },
      marginMs: 500,
    },
  });
  const deadline = clock.ms + 1_000;
  dedupe.useLambdaContext({ ...fakeContext(), getRemainingTimeInMillis: () => deadline - clock.ms });
  return { dedupe, calls, timers, table, errors, puts, clock, updateValues };
};

const delivery = (id: number) => ({ messageId: `m-${id}` });
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('Dedupe: late writes of unrecorded completions', () => {
  it('gives up a late write that is never answered, so a later record writes the completion', async () => {
    // Prepare: the completion refused until the deadline; then a late write whose answer never comes.
    const { dedupe, calls, timers, table } = container();
    const first = await dedupe.once(eventKey(1), delivery(1), async () => undefined);
    await settle();
    table.next.push(() => new Promise(() => undefined));
    table.otherwise = async () => ({});
    await dedupe.once(eventKey(2), delivery(2), async () => undefined);
    // The late writes' timers: the refused one at once, then the stalled one the second record started.
    const lateWrites = timers.filter((timer) => timer.ms === 2_000);
    const lateWrite = lateWrites.at(-1);
    const updatesBefore = calls.filter((call) => call === 'UpdateItem').length;

    // Act: the stalled late write's give-up timer fires; a later record comes.
    lateWrite?.fire();
    await settle();
    await dedupe.once(eventKey(3), delivery(3), async () => undefined);
    await settle();

    // Assess
    expect(first.status).toBe('ranUnrecorded');
    expect(lateWrites).toHaveLength(2);
    // The later record's own completion, and the first event's written again.
    expect(calls.filter((call) => call === 'UpdateItem').length).toBe(updatesBefore + 2);
    // Written: nothing is left to write.
    await dedupe.flushUnrecorded();
    expect(calls.filter((call) => call === 'UpdateItem').length).toBe(updatesBefore + 2);
  });

  it('drops a late write the table refuses for good, with an error line, so later records stop making it', async () => {
    // Prepare: the completion refused until the deadline, then refused without permission.
    const { dedupe, calls, table, errors } = container();
    table.next.push(...Array.from({ length: 4 }, () => table.otherwise));
    table.otherwise = () => Promise.reject(awsError('AccessDeniedException', 400));
    const first = await dedupe.once(eventKey(1), delivery(1), async () => undefined);
    await settle();
    table.otherwise = async () => ({});
    const updatesBefore = calls.filter((call) => call === 'UpdateItem').length;

    // Act
    await dedupe.once(eventKey(2), delivery(2), async () => undefined);
    await settle();

    // Assess
    expect(first.status).toBe('ranUnrecorded');
    // The later record's own completion only.
    expect(calls.filter((call) => call === 'UpdateItem').length).toBe(updatesBefore + 1);
    expect(errors).toEqual([
      {
        message: 'late completion refused; dropped',
        extra: { error: expect.objectContaining({ name: 'AccessDeniedException' }) },
      },
    ]);
  });

  it('remembers at most 1,000 unrecorded completions by record id, and logs the oldest it drops', async () => {
    // Prepare
    const { dedupe, errors, puts } = container();

    // Act
    for (let id = 1; id <= 1_001; id += 1)
      await dedupe.once(eventKey(id), delivery(id), async () => undefined);
    await settle();

    // Assess
    expect(puts).toHaveLength(1_001);
    expect(errors).toEqual([
      {
        message: 'unrecorded completion dropped (capacity)',
        extra: { id: puts[0]?.[DEDUPE_ATTRIBUTES.key] },
      },
    ]);
    expect(puts[0]?.[DEDUPE_ATTRIBUTES.key]).toMatch(/^bigcommerce-event#[\w+/=-]{20,30}$/);
    // The second event is still known here: its copy is skipped without asking the table.
    expect(await dedupe.once(eventKey(2), delivery(9), async () => undefined)).toEqual({
      status: 'duplicate',
      first: delivery(2),
    });
  });

  it('writes a late completion to expire with the window counted from its run, not from the late write', async () => {
    // Prepare: the table's clock and the container's move together; the run's completion is refused.
    const runAt = Date.UTC(2026, 11, 1, 12);
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(runAt);
      const { dedupe, clock, table, updateValues } = container(runAt);
      await dedupe.once(eventKey(1), delivery(1), async () => undefined);
      await settle();
      const ranUntil = clock.ms;
      table.otherwise = async () => ({});
      clock.ms += 30 * 60_000;
      vi.setSystemTime(clock.ms);

      // Act: a later record writes it, half an hour on.
      await dedupe.once(eventKey(2), delivery(2), async () => undefined);
      await settle();

      // Assess: the late write (before the second record's own) expires an hour after the run.
      expect(updateValues.at(-2)).toMatchObject({ ':expiry': Math.round(ranUntil / 1000) + 3_600 });
    } finally {
      vi.useRealTimers();
    }
  });
});
