import { describe, expect, it } from 'vitest';
import { processBatch } from '../../../functions/consume/batch.js';

const records = (count: number) => Array.from({ length: count }, (_, index) => ({ messageId: `m-${index}` }));

describe('Function: consume, batch processing', () => {
  it('reports exactly the rejected records, in batch order', async () => {
    // Prepare
    const batch = records(6);

    // Act
    const response = await processBatch(
      batch,
      async (record) => {
        const index = Number(record.messageId.slice(2));
        await new Promise((resolve) => setTimeout(resolve, (6 - index) * 2));
        if (index % 2 === 1) throw new Error('odd');
      },
      3,
    );

    // Assess
    expect(response.batchItemFailures).toEqual([
      { itemIdentifier: 'm-1' },
      { itemIdentifier: 'm-3' },
      { itemIdentifier: 'm-5' },
    ]);
  });

  it('never has more records in flight than its concurrency, and processes each once', async () => {
    // Prepare
    let inFlight = 0;
    let peak = 0;
    const seen: string[] = [];

    // Act
    await processBatch(
      records(50),
      async (record) => {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 1));
        seen.push(record.messageId);
        inFlight -= 1;
      },
      4,
    );

    // Assess
    expect(peak).toBe(4);
    expect(seen.sort()).toEqual(
      records(50)
        .map((record) => record.messageId)
        .sort(),
    );
  });

  it('answers an empty batch with no failures', async () => {
    expect(await processBatch([], async () => undefined, 10)).toEqual({ batchItemFailures: [] });
  });
});
