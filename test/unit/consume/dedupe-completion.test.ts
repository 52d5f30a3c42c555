import { describe, expect, it } from 'vitest';
import {
  CompletionNotRecordedError,
  isTransientTableError,
  writeCompletion,
} from '../../../shared/dedupe/completion.js';

/** aws-lite's rejection for a DynamoDB error answer: the error type as `name` and `code`, the HTTP status. */
const awsError = (name: string, statusCode: number) =>
  Object.assign(new Error(`@aws-lite/client: DynamoDB.UpdateItem: ${name}`), {
    name,
    code: name,
    statusCode,
  });
/** aws-lite's rejection when the connection failed: a plain Error, Node's code only in its message. */
const connectionError = (code: string) =>
  new Error(`@aws-lite/client: DynamoDB.UpdateItem: connect ${code} 127.0.0.1:4567`);

/**
 * A fake clock: `sleep` records each wait and moves the clock by it; `remaining` is the invocation's time
 * left on that clock until `deadline`. `timer` is the give-up timer, which fires only when the test says.
 */
const fakeTime = (deadline: number | undefined) => {
  const clock = { ms: 0 };
  const waits: number[] = [];
  const timers: { ms: number; fire: () => void; cancelled: boolean }[] = [];
  return {
    clock,
    waits,
    timers,
    remaining: () => (deadline === undefined ? undefined : deadline - clock.ms),
    options: {
      now: () => clock.ms,
      sleep: async (ms: number) => {
        waits.push(ms);
        clock.ms += ms;
      },
      random: () => 0.5,
      giveUpTimer: (ms: number, giveUp: () => void) => {
        const timer = { ms, fire: giveUp, cancelled: false };
        timers.push(timer);
        return () => {
          timer.cancelled = true;
        };
      },
    },
  };
};

/** A write that fails with `failures` in turn, then succeeds; `calls` counts attempts. */
const failing = (...failures: unknown[]) => {
  const state = { calls: 0 };
  const write = async () => {
    const failure = failures[state.calls];
    state.calls += 1;
    if (failure !== undefined) throw failure;
    return {};
  };
  return { state, write };
};

describe('Dedupe completion write: which failures are transient', () => {
  it('retries throttling, 5xx, 429 and connection failures, and nothing a retry cannot change', () => {
    // Prepare
    const transient = [
      awsError('InternalServerError', 500),
      awsError('ServiceUnavailable', 503),
      awsError('ProvisionedThroughputExceededException', 400),
      awsError('ThrottlingException', 400),
      awsError('RequestLimitExceeded', 400),
      awsError('SomethingNew', 502),
      awsError('TooManyRequests', 429),
      connectionError('ECONNREFUSED'),
      connectionError('ECONNRESET'),
      connectionError('ETIMEDOUT'),
      new Error('@aws-lite/client: DynamoDB.UpdateItem: socket hang up'),
    ];
    const permanent = [
      awsError('ValidationException', 400),
      awsError('ConditionalCheckFailedException', 400),
      awsError('AccessDeniedException', 400),
      awsError('ResourceNotFoundException', 400),
      new Error('Invalid region specified'),
      'InternalServerError',
      undefined,
    ];

    // Act
    const verdicts = [...transient, ...permanent].map(isTransientTableError);

    // Assess
    expect(verdicts).toEqual([...transient.map(() => true), ...permanent.map(() => false)]);
  });
});

describe('Dedupe completion write: retries within the invocation', () => {
  it('retries transient failures with growing jittered waits until the write succeeds', async () => {
    // Prepare
    const time = fakeTime(10_000);
    const { state, write } = failing(
      awsError('InternalServerError', 500),
      connectionError('ECONNRESET'),
      awsError('ProvisionedThroughputExceededException', 400),
    );

    // Act
    await writeCompletion(write, time.remaining, {
      ...time.options,
      marginMs: 500,
    });

    // Assess: full jitter at 0.5 of 100, 200, 400 ms.
    expect(state.calls).toBe(4);
    expect(time.waits).toEqual([50, 100, 200]);
  });

  it('stops before the deadline less the margin, and says how many attempts failed', async () => {
    // Prepare: the table refuses every write; 3 s left, 500 ms kept back.
    const time = fakeTime(3_000);
    const refusal = awsError('InternalServerError', 500);
    const { state, write } = failing(...Array.from({ length: 1_000 }, () => refusal));

    // Act
    const error = await writeCompletion(write, time.remaining, {
      ...time.options,
      marginMs: 500,
    }).catch((caught: unknown) => caught);

    // Assess: waits 50, 100, 200, 400, 500, 500, 500 (2,250 ms); the next 500 would pass 2,500.
    expect(error).toBeInstanceOf(CompletionNotRecordedError);
    expect((error as CompletionNotRecordedError).cause).toBe(refusal);
    expect((error as CompletionNotRecordedError).attempts).toBe(8);
    expect(state.calls).toBe(8);
    expect(time.waits).toEqual([50, 100, 200, 400, 500, 500, 500]);
    expect(time.clock.ms).toBeLessThanOrEqual(2_500);
  });

  it('does not retry a failure that the same write would meet again', async () => {
    // Prepare
    const time = fakeTime(10_000);
    const invalid = awsError('ValidationException', 400);
    const { state, write } = failing(invalid);

    // Act
    const error = await writeCompletion(write, time.remaining, time.options).catch(
      (caught: unknown) => caught,
    );

    // Assess
    expect(error).toBe(invalid);
    expect(state.calls).toBe(1);
    expect(time.waits).toEqual([]);
  });

  it('gives up an attempt that is never answered when the time left less the margin runs out', async () => {
    // Prepare: a write that stalls (aws-lite has no request timeout).
    const time = fakeTime(4_000);
    let calls = 0;
    const write = () => {
      calls += 1;
      return new Promise<never>(() => undefined);
    };

    // Act
    const outcome = writeCompletion(write, time.remaining, { ...time.options, marginMs: 500 }).catch(
      (caught: unknown) => caught,
    );
    await Promise.resolve();
    const [timer] = time.timers;
    timer?.fire();
    const error = await outcome;

    // Assess
    expect(timer?.ms).toBe(3_500);
    expect(error).toBeInstanceOf(CompletionNotRecordedError);
    expect((error as CompletionNotRecordedError).cause).toEqual(new Error('no answer in the time left'));
    expect(calls).toBe(1);
  });

  it('gives a handler that ended inside the margin one attempt of 300 ms, so a healthy table records it', async () => {
    // Prepare: 400 ms left, less than the 500 ms margin; the table answers in 50 ms.
    const time = fakeTime(400);
    const timers: number[] = [];
    const giveUpTimer = (ms: number, giveUp: () => void) => {
      timers.push(ms);
      if (ms < 50) giveUp();
      return () => undefined;
    };

    // Act
    const outcome = await writeCompletion(async () => ({}), time.remaining, {
      ...time.options,
      giveUpTimer,
    }).catch((caught: unknown) => caught);

    // Assess
    expect(outcome).toBeUndefined();
    expect(timers).toEqual([300]);
  });

  it('stops the first attempt 100 ms before the deadline when less than 400 ms is left', async () => {
    // Prepare
    const time = fakeTime(250);

    // Act
    void writeCompletion(() => new Promise<never>(() => undefined), time.remaining, time.options).catch(
      () => undefined,
    );
    await Promise.resolve();

    // Assess
    expect(time.timers.map((timer) => timer.ms)).toEqual([150]);
  });

  it('clears the give-up timer of an attempt that was answered', async () => {
    // Prepare
    const time = fakeTime(4_000);
    const { write } = failing(awsError('InternalServerError', 500));

    // Act
    await writeCompletion(write, time.remaining, time.options);

    // Assess
    expect(time.timers).toHaveLength(2);
    expect(time.timers.every((timer) => timer.cancelled)).toBe(true);
  });

  it('without a Lambda context, retries within its own budget', async () => {
    // Prepare
    const time = fakeTime(undefined);
    const refusal = awsError('ThrottlingException', 400);
    const { write } = failing(...Array.from({ length: 1_000 }, () => refusal));

    // Act
    const error = await writeCompletion(write, time.remaining, time.options).catch(
      (caught: unknown) => caught,
    );

    // Assess: 50 + 100 + 200 + 400 + 8 x 500 = 4,750; the next wait (500) would pass 5 s.
    expect(error).toBeInstanceOf(CompletionNotRecordedError);
    expect(time.waits).toEqual([50, 100, 200, 400, ...Array.from({ length: 8 }, () => 500)]);
  });
});
