/**
 * Every goal the bench reports against, in one place (issues 5, 11 and 17). A ratio goal is judged on the
 * min-max of its per-pair ratios: met only when every pair meets it, missed only when none does, and
 * undecided when the pairs straddle it, so machine noise cannot turn into a verdict.
 */
export interface Goal {
  /** `atLeast`: the figure must be >= `value`; `atMost`: <= `value`. */
  direction: 'atLeast' | 'atMost';
  value: number;
}

const atLeast = (value: number): Goal => ({ direction: 'atLeast', value });
const atMost = (value: number): Goal => ({ direction: 'atMost', value });

/** Consumer records/s, ours over the Powertools peer, per batch size (issue 11's "Done when"). */
export const CONSUMER_VS_PEER: Readonly<Record<number, Goal>> = {
  10: atLeast(1.5),
  100: atLeast(1.5),
  10000: atLeast(2.5),
};

export const GOALS = {
  /** Our cost per record over JSON.parse's alone (floor records/s over ours). */
  consumerCostVsFloor: atMost(4),
  /** consume's first invocation over the Powertools peer's, each in a fresh process (issue 11 §1). */
  firstInvokeVsPeer: atMost(0.8),
  /** Provisioning 50 scopes over 1 scope, on a new store each, 50 ms added to every call (README). */
  provision50Vs1: atMost(1.5),
  /** Bundle sizes as `serverless package` builds them (issue 11 §3). */
  consumeBundleBytes: atMost(300 * 1024),
  provisionBundleBytes: atMost(400 * 1024),
  /** A re-run on a provisioned store changes nothing. */
  noopRerunMutatingCalls: atMost(0),
  /**
   * A no-op scheduled reconcile of many stores over (stores / concurrency) x one store's run alone, 50 ms
   * added to every call (issue 13 §5): the stores overlap, and the shared listing of partner sources keeps
   * each store's calls from growing with the number of stores.
   */
  reconcileVsIdeal: atMost(1.5),
} as const;

/** The goal for ours/peer at `batch` records; batches the goals do not name have none. */
export const consumerVsPeerGoal = (batch: number): Goal | undefined => CONSUMER_VS_PEER[batch];

export type Verdict = 'met' | 'missed' | 'undecided';

/** met / missed for a single figure (a size, a count). */
export const judgeValue = (value: number, goal: Goal): Verdict =>
  (goal.direction === 'atLeast' ? value >= goal.value : value <= goal.value) ? 'met' : 'missed';

/** met, missed or undecided for a ratio measured pair by pair: its min-max against the goal. */
export const judgeRange = (range: { min: number; max: number }, goal: Goal): Verdict => {
  const worst = goal.direction === 'atLeast' ? range.min : range.max;
  const best = goal.direction === 'atLeast' ? range.max : range.min;
  if (judgeValue(worst, goal) === 'met') return 'met';
  if (judgeValue(best, goal) === 'missed') return 'missed';
  return 'undecided';
};

/** How a goal reads in the tables: `>= 1.5x`, `<= 300 KB`. */
export const goalText = (goal: Goal, unit: (value: number) => string = (value) => `${value}x`): string =>
  `${goal.direction === 'atLeast' ? '>=' : '<='} ${unit(goal.value)}`;
