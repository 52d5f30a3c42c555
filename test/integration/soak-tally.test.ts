import { describe, expect, it } from 'vitest';
import { type PlannedEvent, planSoak } from '../../local/soak/plan.js';
import { firingOrder } from '../../local/soak/run.js';
import { type FiredEvent, held, type LogEntry, percentile, tally } from '../../local/soak/tally.js';

const at = (ms: number) => new Date(ms).toISOString();

const firedOf = (id: number, expect: PlannedEvent['expect'], copies: 1 | 2 = 1): FiredEvent => {
  const payload = {
    scope: 'store/order/created',
    data: { type: 'order', id },
    hash: `h${id}`,
    created_at: 1,
  };
  return {
    event: { id, scope: payload.scope, data: payload.data, createdAt: 1, copies, expect },
    hash: payload.hash,
    payload,
    firedAtMs: 1_000,
    eventIds: [`e${id}`],
  };
};
const run = (id: number, ms: number): LogEntry => ({
  level: 'INFO',
  message: 'order created',
  hash: `h${id}`,
  timestamp: at(ms),
});
const dlqBody = (fired: FiredEvent, detail: unknown = fired.payload) => JSON.stringify({ id: 'x', detail });

describe('Soak: the tally', () => {
  it('holds when each valid event ran once, the no-handler one was acknowledged and the violation is in the DLQ', () => {
    // Prepare
    const fired = [firedOf(1, 'handled', 2), firedOf(2, 'no-handler'), firedOf(3, 'dlq', 2)];
    const log: LogEntry[] = [
      run(1, 1_100),
      { level: 'INFO', message: 'duplicate event skipped', hash: 'h1', timestamp: at(1_200) },
      { level: 'WARN', message: 'acknowledged an event whose scope has no handler', hash: 'h2' },
    ];

    // Act
    const figures = tally(fired, log, [dlqBody(fired[2] as FiredEvent), dlqBody(fired[2] as FiredEvent)]);

    // Assess
    expect(figures).toMatchObject({ fired: 3, firedCopies: 5, handled: 1, lost: 0, doubled: 0, dlq: 1 });
    expect(figures.latencyMs.p50).toBe(100);
    expect(held(figures)).toBe(true);
  });

  it('reports an event whose handler never ran as lost, and one that ran twice as doubled', () => {
    // Prepare
    const fired = [firedOf(1, 'handled'), firedOf(2, 'handled', 2)];

    // Act
    const figures = tally(fired, [run(2, 1_100), run(2, 1_300)], []);

    // Assess
    expect(figures).toMatchObject({ lost: 1, doubled: 1, examples: { lost: [1], doubled: [2] } });
    expect(held(figures)).toBe(false);
  });

  it('fails a violation missing a DLQ copy, an altered DLQ body, and a valid event in the DLQ', () => {
    // Prepare
    const violation = firedOf(1, 'dlq', 2);
    const valid = firedOf(2, 'handled');
    const altered = { ...(violation.payload as object), data: { type: 'order', id: 'changed' } };

    // Act
    const figures = tally([violation, valid], [run(2, 1_100)], [dlqBody(violation, altered), dlqBody(valid)]);

    // Assess
    expect(figures).toMatchObject({ lost: 1, altered: 1, unexpected: 1 });
    expect(held(figures)).toBe(false);
  });

  it("counts an event EventBridge put in the rule target's DLQ as accounted for, not lost", () => {
    // Prepare
    const undeliverable = firedOf(1, 'handled');
    const body = JSON.stringify({ id: 'e1', detail: undeliverable.payload });

    // Act
    const accounted = tally([undeliverable], [], [body], new Set(['e1']));
    const missing = tally([undeliverable], [], [], new Set(['e1']));

    // Assess
    expect(accounted).toMatchObject({ lost: 0, targetDlq: 1, dlq: 0, unexpected: 0 });
    expect(missing).toMatchObject({ lost: 1, targetDlq: 0 });
  });

  it('counts an unacknowledged no-handler event as lost', () => {
    // Act
    const figures = tally([firedOf(1, 'no-handler')], [], []);

    // Assess
    expect(figures.lost).toBe(1);
  });

  it('takes nearest-rank percentiles', () => {
    // Prepare
    const values = Array.from({ length: 100 }, (_, index) => index + 1);

    // Act, Assess
    expect([percentile(values, 50), percentile(values, 95), percentile(values, 99)]).toEqual([50, 95, 99]);
    expect(percentile([], 99)).toBe(0);
  });
});

describe('Soak: the plan', () => {
  it('mixes handled, no-handler and violating events, the same for the same seed, with the duplicate share asked', () => {
    // Act
    const plan = planSoak({ events: 2_000, duplicates: 0.25, seed: 7, createdAt: 1 });

    // Assess
    expect(planSoak({ events: 2_000, duplicates: 0.25, seed: 7, createdAt: 1 })).toEqual(plan);
    expect(new Set(plan.map((event) => event.expect))).toEqual(new Set(['handled', 'no-handler', 'dlq']));
    const twice = plan.filter((event) => event.copies === 2).length / plan.length;
    expect(twice).toBeGreaterThan(0.2);
    expect(twice).toBeLessThan(0.3);
    expect(new Set(plan.map((event) => event.id)).size).toBe(plan.length);
  });

  it('fires every copy, each second copy after its first', () => {
    // Prepare
    const plan = planSoak({ events: 300, duplicates: 0.5, seed: 3, createdAt: 1 });

    // Act
    const order = firingOrder(plan, 3);

    // Assess
    expect(order).toHaveLength(plan.reduce((sum, event) => sum + event.copies, 0));
    for (const event of plan.filter((e) => e.copies === 2)) {
      const first = order.indexOf(event);
      expect(order.lastIndexOf(event)).toBeGreaterThan(first);
    }
  });
});
