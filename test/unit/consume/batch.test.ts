import { describe, expect, it } from 'vitest';
import { processBatch } from '../../../functions/consume/batch.js';

const records = (count: number) => Array.from({ length: count }, (_, index) => ({ messageId: `m-${index}` }));

/** A promise settled from outside, so a test decides the order in which records finish. */
const deferred = () => {
  let settle = (_failure?: Error) => undefined as unknown;
  const promise = new Promise<void>((resolve, reject) => {
    settle = (failure) => (failure ? reject(failure) : resolve());
  });
  return { promise, settle };
};

/** Lets every pending promise callback run (no timers). */
const drain = async () => {
  for (let i = 0; i < 20; i += 1) await Promise.resolve();
};

describe('Function: consume, batch processing', () => {
  it('reports exactly the rejected records, in batch order, whatever order they finish in', async () => {
    // Prepare
    const batch = records(6);
    const finishes = batch.map(() => deferred());

    // Act: the records finish last to first; the odd ones fail.
    const response = processBatch(
      batch,
      (record) => finishes[Number(record.messageId.slice(2))]?.promise ?? Promise.resolve(),
      6,
    );
    for (let index = 5; index >= 0; index -= 1) {
      finishes[index]?.settle(index % 2 === 1 ? new Error('odd') : undefined);
      await drain();
    }

    // Assess
    expect((await response).batchItemFailures).toEqual([
      { itemIdentifier: 'm-1' },
      { itemIdentifier: 'm-3' },
      { itemIdentifier: 'm-5' },
    ]);
  });

  it('fails a record alone when it throws something other than an Error, and all records when all fail', async () => {
    // Act
    const one = await processBatch(
      records(3),
      async (record) => {
        if (record.messageId === 'm-1') throw undefined;
      },
      10,
    );
    const all = await processBatch(
      records(3),
      async () => {
        throw new Error('down');
      },
      10,
    );

    // Assess
    expect(one).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
    expect(all.batchItemFailures.map((failure) => failure.itemIdentifier)).toEqual(['m-0', 'm-1', 'm-2']);
  });

  it('never has more records in flight than its concurrency, and processes each once', async () => {
    // Prepare
    const batch = records(50);
    const started: { messageId: string; finish: ReturnType<typeof deferred> }[] = [];
    let peak = 0;
    let inFlight = 0;

    // Act: finish the started records one at a time until all have run.
    const response = processBatch(
      batch,
      async (record) => {
        const finish = deferred();
        started.push({ messageId: record.messageId, finish });
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        await finish.promise;
        inFlight -= 1;
      },
      4,
    );
    for (let next = 0; next < batch.length; next += 1) {
      await drain();
      started[next]?.finish.settle();
    }
    await response;

    // Assess
    expect(peak).toBe(4);
    expect(started.map((entry) => entry.messageId).sort()).toEqual(batch.map((r) => r.messageId).sort());
  });

  it('answers an empty batch with no failures', async () => {
    expect(await processBatch([], async () => undefined, 10)).toEqual({ batchItemFailures: [] });
  });
});
