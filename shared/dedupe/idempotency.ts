import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyPersistenceLayerError,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import type { Context } from 'aws-lambda';
import {
  answerWithin,
  CompletionNotRecordedError,
  type CompletionRetryOptions,
  isTransientTableError,
} from './completion.js';
import { DedupePersistenceLayer } from './dynamodb-persistence.js';
import {
  type Dedupe,
  type Delivery,
  dataTextOf,
  EventInProgressError,
  type EventKey,
  keyOf,
} from './port.js';
import type { DedupeTableClient } from './table-client.js';

export interface IdempotentDedupeOptions {
  /** The table's client, made on first use (`createDedupeTableClient` in table-client.ts). */
  dynamo: () => Promise<DedupeTableClient>;
  tableName: string;
  /** How long a completed event is remembered; a copy arriving later runs again. */
  windowSeconds: number;
  /** Prefix of every key; fixed so that renaming the function does not forget what was done. */
  keyPrefix?: string;
  /**
   * How the write that marks an event done is retried once its handler has run (clock, waits, margin
   * before the invocation's deadline): see {@link CompletionRetryOptions}; the defaults are for Lambda.
   */
  completionRetry?: CompletionRetryOptions;
  /** Where a completion the table will never take is reported. Default `console`. */
  log?: { error(message: string, extra: object): void };
}

/** A {@link Dedupe} that also learns each invocation's deadline, so a crashed run's lock expires with it. */
export interface IdempotentDedupe extends Dedupe {
  useLambdaContext(context: Context): void;
  /**
   * Writes the completions of this container's runs that went unrecorded, now; resolves when done or the
   * table failed again (it never rejects). `once` starts it itself while any is left and none is running.
   */
  flushUnrecorded(): Promise<void>;
}

/**
 * An {@link EventKey} as Powertools hashes it into a record's id: `data` as its JSON text. The text, not
 * the parsed value: the ids stay those of the records already in the table (written before the key held
 * the value), and Powertools' deep sort before hashing walks a string in one step instead of copying the
 * whole payload.
 */
export interface HashedEventKey extends Omit<EventKey, 'data'> {
  data: string;
}

/** The form of `key` Powertools hashes (see {@link HashedEventKey}); `dataText` is {@link dataTextOf}'s answer. */
export const hashedKeyOf = (key: EventKey, dataText: string = dataTextOf(key)): HashedEventKey => ({
  storeHash: key.storeHash,
  scope: key.scope,
  createdAt: key.createdAt,
  hash: key.hash,
  data: dataText,
});

// A delivery as this layer stores it (either transport's ids beside the message id); the ids are only logged.
const isDelivery = (value: unknown): value is Delivery =>
  typeof (value as Partial<Delivery> | null)?.messageId === 'string';

/**
 * Powertools' error when the write marking the work done failed (`saveSuccess`, after the work resolved).
 * @see node_modules/@aws-lambda-powertools/idempotency/lib/esm/IdempotencyHandler.js, #saveSuccessfulResult
 */
/** How many events whose completion went unrecorded a container remembers; the oldest are forgotten first. */
const UNRECORDED_CAPACITY = 1_000;
/** How long a late completion write may go unanswered before it is given up, so the next record tries again. */
const LATE_WRITE_GIVE_UP_MS = 2_000;
const COMPLETION_FAILURE_MESSAGE = 'Failed to update success record to idempotency store';
const isCompletionFailure = (error: unknown): error is IdempotencyPersistenceLayerError =>
  error instanceof IdempotencyPersistenceLayerError && error.message === COMPLETION_FAILURE_MESSAGE;

/** What every dedupe record id starts with (Powertools' `keyPrefix`), unless the options name another. */
const KEY_PREFIX = 'bigcommerce-event';

/**
 * The id of `key`'s record in the dedupe table (its `id`) as {@link createIdempotentDedupe} writes it with
 * the default prefix, worked out by the same persistence layer, for a tool that picks records out of the
 * table's traffic (the soak's injected stalls).
 */
export const recordIdOf = (key: EventKey): string => {
  const layer = new DedupePersistenceLayer(() => Promise.reject(new Error('recordIdOf reads no table')), '');
  layer.configure({ config: new IdempotencyConfig({}), keyPrefix: KEY_PREFIX });
  return layer.idOf(hashedKeyOf(key));
};

/**
 * Implements {@link Dedupe} with Powertools idempotency on a DynamoDB table ({@link DedupePersistenceLayer}): a conditional put marks the
 * event in progress (the lock, which expires with the invocation that holds it), success marks it
 * completed until the window ends, failure deletes it. Copies of one event inside one invocation wait for
 * each other instead of failing on each other's lock. When the success write still fails after its
 * retries, the work did run: the outcome is `ranUnrecorded`, not an error (failing the record would make
 * SQS run it again), and this container keeps the event (up to UNRECORDED_CAPACITY events, the oldest
 * forgotten first, none past the window) until the completion is written: at once, and again by its
 * later records until it goes in. Meanwhile a copy reaching this container is skipped; once it is written,
 * a copy reaching any container is.
 * @see https://docs.powertools.aws.dev/lambda/typescript/latest/features/idempotency/
 */
export const createIdempotentDedupe = (options: IdempotentDedupeOptions): IdempotentDedupe => {
  const config = new IdempotencyConfig({ expiresAfterSeconds: options.windowSeconds });
  // Powertools' own lock reads the registered context the same way.
  const remainingMs = () => config.lambdaContext?.getRemainingTimeInMillis();
  const persistenceStore = new DedupePersistenceLayer(
    options.dynamo,
    options.tableName,
    remainingMs,
    options.completionRetry,
  );
  const now = options.completionRetry?.now ?? Date.now;
  const log = options.log ?? console;
  /**
   * Events run here whose completion is still to be written: the key, the delivery that ran it and when
   * it is forgotten (ms, the window's end). Once written, the table answers for them.
   */
  const toWrite = new Map<string, { first: Delivery; until: number }>();
  const rememberUnrecorded = (id: string, first: Delivery) => {
    toWrite.delete(id);
    toWrite.set(id, { first, until: now() + options.windowSeconds * 1000 });
    // A Map iterates in insertion order: the first key is the oldest.
    if (toWrite.size > UNRECORDED_CAPACITY) {
      const oldest = toWrite.keys().next().value as string;
      toWrite.delete(oldest);
      log.error('unrecorded completion dropped (capacity)', { id: oldest });
    }
  };
  /**
   * Writes the completions still unrecorded, one call each (the client's retries only), stopping at the
   * first failure: the table is still down, and the next record of this container tries again (one try
   * at a time, each of them the client's retries long, so the completions go in soon after the table is
   * back). Never rejects.
   */
  let flushing: Promise<void> | undefined;
  const flushUnrecorded = (): Promise<void> => {
    flushing ??= (async () => {
      for (const [id, entry] of [...toWrite]) {
        try {
          if (entry.until > now())
            await answerWithin(
              () => persistenceStore.saveLateSuccess(id, entry.first, entry.until),
              LATE_WRITE_GIVE_UP_MS,
              1,
              options.completionRetry?.giveUpTimer,
            );
          toWrite.delete(id);
        } catch (error) {
          // A refusal a retry cannot change (permissions, validation) would recur on each record for the window.
          if (!(error instanceof CompletionNotRecordedError || isTransientTableError(error))) {
            toWrite.delete(id);
            log.error('late completion refused; dropped', { error });
          }
          return;
        }
      }
    })().finally(() => {
      flushing = undefined;
    });
    return flushing;
  };
  // Only the first argument, the event key, is hashed into the record's id; the result stored is the
  // delivery that ran the handler.
  const runOnce = makeIdempotent(
    async (_key: HashedEventKey, delivery: Delivery, work: () => Promise<void>): Promise<Delivery> => {
      await work();
      return delivery;
    },
    { persistenceStore, config, keyPrefix: options.keyPrefix ?? KEY_PREFIX },
  );
  const inFlight = new Map<string, Promise<unknown>>();

  const once: Dedupe['once'] = async (key, delivery, work) => {
    // The key's data serialized once, here, for both the in-process id and the record's.
    const dataText = dataTextOf(key);
    const id = keyOf(key, dataText);
    const hashedKey = hashedKeyOf(key, dataText);
    // A copy in this same invocation: wait for it to settle, then ask the table as any later copy would.
    while (inFlight.has(id)) await inFlight.get(id)?.catch(() => undefined);
    // Run here already, its completion unrecorded: the table cannot say so, this container can.
    if (toWrite.size > 0) {
      // One past the window is left for the flush to forget.
      const ranHere = toWrite.get(persistenceStore.idOf(hashedKey));
      if (ranHere && ranHere.until > now()) return { status: 'duplicate', first: ranHere.first };
      // Not waited for: this record goes on while the table is asked again.
      void flushUnrecorded();
    }
    let ran = false;
    // Set only once `work` resolved: a failure after it can only be the success write's.
    let resolved = false;
    const attempt = runOnce(hashedKey, delivery, async () => {
      ran = true;
      await work();
      resolved = true;
    });
    inFlight.set(id, attempt);
    try {
      const stored = await attempt;
      return ran
        ? { status: 'ran' }
        : { status: 'duplicate', first: isDelivery(stored) ? stored : undefined };
    } catch (error) {
      if (resolved && isCompletionFailure(error)) {
        rememberUnrecorded(persistenceStore.idOf(hashedKey), delivery);
        // Tried again at once, not waited for: the outage may be ending, and the event's lock lapses soon.
        void flushUnrecorded();
        return { status: 'ranUnrecorded', error: error.cause ?? error };
      }
      if (error instanceof IdempotencyAlreadyInProgressError) {
        throw new EventInProgressError(
          `event ${key.storeHash}/${key.scope}/${key.hash} is held by another invocation`,
          { cause: error },
        );
      }
      throw error;
    } finally {
      if (inFlight.get(id) === attempt) inFlight.delete(id);
    }
  };

  return {
    once,
    useLambdaContext: (context) => config.registerLambdaContext(context),
    flushUnrecorded,
  };
};
