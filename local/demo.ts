/**
 * `npm run demo [-- --json FILE]`: proves the whole chain offline, on both transports. Starts the stack,
 * provisions one sandbox store on EventBridge and another on HTTPS for the registry's scopes, fires one
 * event per subscribed scope to each and one that the consumer rejects, waits for each outcome, prints a
 * table (with what each handler fetched through `context.bigcommerce`), writes it as JSON to FILE when
 * asked, stops everything, and exits 0 only if every expected outcome happened and each order handler
 * fetched its order.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { GetQueueUrlCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { Transport } from '../shared/bigcommerce/ingress-message.js';
import { expandPattern, isScopePattern } from '../shared/bigcommerce/scopes/index.js';
import { SANDBOX_STORE_HASHES } from './sandbox/stores.js';
import { startStack } from './stack.js';

/** One store per transport. */
const STORES: { storeHash: string; transport: Transport }[] = [
  { storeHash: SANDBOX_STORE_HASHES[0], transport: 'eventbridge' },
  { storeHash: SANDBOX_STORE_HASHES[1], transport: 'https' },
];

// A real uninstall comes after BigCommerce has deleted the app's webhooks and revoked its token, and its
// handler marks the store for the next scheduled reconcile to tear down: firing it here would leave a
// store marked for teardown that this demo goes on using. Its handler's tests show it (unit, and
// test/integration/reconcile-offline.test.ts).
const NOT_FIRED = new Set(['store/app/uninstalled']);

interface Fired {
  storeHash: string;
  transport: Transport;
  subscribed: string;
  scope: string;
  expected: 'handled' | 'in DLQ';
  /** Each delivery's id: the EventBridge event's `id`, or the HTTPS delivery's `webhook-id`. */
  deliveryIds: string[];
}

const { values: args } = parseArgs({ options: { json: { type: 'string' } } });
const say = (line: string) => process.stdout.write(`${line}\n`);
/** A queued message's delivery id: the ingress's `webhook-id` attribute, or the EventBridge event's `id`. */
const idOf = (body: string, webhookId: string | undefined) => {
  if (webhookId !== undefined) return webhookId;
  try {
    return (JSON.parse(body) as { id?: string }).id ?? '';
  } catch {
    return '';
  }
};

const handled = new Set<string>();
const firedAt = new Map<string, number>();
const handledAt = new Map<string, number>();
const attempts = new Map<string, number>();
const functionLog: string[] = [];
// Acknowledged is not enough: an event acknowledged as "no handler" must not count. Every example handler
// logs one INFO line carrying the record's EventBridge id or webhook id; that line is the proof it ran.
const handlerLogged = new Set<string>();
// An example handler that fetched its resource logs what it read as `fetched` (the order's status...).
const fetchedBy = new Map<string, Record<string, unknown>>();
const noteHandlerLine = (line: string) => {
  try {
    const entry = JSON.parse(line) as {
      level?: string;
      message?: string;
      eventBridgeId?: string;
      webhookId?: string;
      fetched?: Record<string, unknown>;
    };
    const id = entry.eventBridgeId ?? entry.webhookId;
    if (entry.level === 'INFO' && id && entry.message !== 'duplicate event skipped') {
      handlerLogged.add(id);
      if (entry.fetched) fetchedBy.set(id, entry.fetched);
    }
  } catch {
    // Not a log line of a function.
  }
};

say('demo: starting the offline stack...');
const stack = await startStack({
  consume: 'serverless-offline',
  output: (part, line) => {
    functionLog.push(`[${part}] ${line}`);
    if (part === 'functions') noteHandlerLine(line);
  },
  onBatch: ({ records, failed }) => {
    for (const record of records) {
      const id = idOf(record.body, record.messageAttributes['webhook-id']?.stringValue);
      attempts.set(id, (attempts.get(id) ?? 0) + 1);
      if (!failed.includes(record.messageId)) {
        handled.add(id);
        handledAt.set(id, Date.now());
      }
    }
  },
});

let ok = false;
let interrupted = false;
// Ctrl-C or a CI timeout must not leave serverless offline (its own process group) holding the ports.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    say(`\n${signal}: stopping the stack...`);
    void stack.stop().then(() => process.exit(130));
  });
}
try {
  const http = stack.offline?.httpUrl ?? '';
  const provision = async (store: (typeof STORES)[number]) => {
    const response = await fetch(`${http}/provision`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(store),
    });
    const body = (await response.json()) as {
      converged?: boolean;
      entries?: { resource: string; action: string; scope?: string }[];
    };
    if (response.status !== 200 || !body.converged)
      throw new Error(`provision answered ${response.status}: ${JSON.stringify(body)}`);
    return body.entries ?? [];
  };

  const subscribedOf = new Map<string, string[]>();
  for (const store of STORES) {
    say(`demo: POST /provision ${store.storeHash} (transport ${store.transport})`);
    const entries = await provision(store);
    for (const entry of entries)
      say(`  ${entry.resource.padEnd(8)} ${entry.action.padEnd(10)} ${entry.scope ?? ''}`);
    subscribedOf.set(
      store.storeHash,
      entries.flatMap((entry) => (entry.resource === 'webhook' && entry.scope ? [entry.scope] : [])),
    );
  }

  const fire = async (storeHash: string, scope: string, data?: unknown) => {
    // EventBridge applies new rules and targets after a short while: fire once they are in effect.
    await stack.eventBridge.settled();
    const response = await fetch(`${stack.env.BIGCOMMERCE_API_URL}/__sandbox/fire`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ storeHash, scope, data }),
    });
    const body = (await response.json()) as {
      delivered?: { eventId?: string }[];
      https?: { messageId?: string }[];
    };
    if (!response.ok) throw new Error(`fire ${scope} answered ${response.status}: ${JSON.stringify(body)}`);
    const ids = [
      ...(body.delivered ?? []).map((event) => event.eventId ?? ''),
      ...(body.https ?? []).map((attempt) => attempt.messageId ?? ''),
    ];
    for (const id of ids) firedAt.set(id, Date.now());
    return ids;
  };

  const fired: Fired[] = [];
  for (const { storeHash, transport } of STORES) {
    for (const pattern of subscribedOf.get(storeHash) ?? []) {
      if (NOT_FIRED.has(pattern)) continue;
      const scope =
        pattern.endsWith('/*') && isScopePattern(pattern) ? (expandPattern(pattern)[0] ?? pattern) : pattern;
      const deliveryIds = await fire(storeHash, scope);
      fired.push({ storeHash, transport, subscribed: pattern, scope, expected: 'handled', deliveryIds });
    }
    const rejected = 'store/order/created';
    fired.push({
      storeHash,
      transport,
      subscribed: `${rejected} (data.id is a string)`,
      scope: rejected,
      expected: 'in DLQ',
      deliveryIds: await fire(storeHash, rejected, { type: 'order', id: 'not-a-number' }),
    });
  }
  say(
    `demo: fired ${fired.length} events; waiting for the consumer (the rejected ones are retried 5 times first)...`,
  );

  const { QueueUrl: dlqUrl } = await stack.sqs.send(
    new GetQueueUrlCommand({ QueueName: stack.queues.dlqName }),
  );
  const dead = new Set<string>();
  const outcomeOf = (event: Fired) => {
    if (event.deliveryIds.length === 0) return 'not delivered';
    if (event.deliveryIds.every((id) => dead.has(id))) return 'in DLQ';
    if (event.deliveryIds.every((id) => handled.has(id) && handlerLogged.has(id))) return 'handled';
    if (event.deliveryIds.every((id) => handled.has(id))) return 'acknowledged, no handler ran';
    return 'pending';
  };
  const deadline = Date.now() + 90_000;
  while (
    !interrupted &&
    Date.now() < deadline &&
    fired.some((event) => outcomeOf(event) !== event.expected)
  ) {
    const { Messages = [] } = await stack.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: dlqUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 0,
        WaitTimeSeconds: 0,
        MessageAttributeNames: ['All'],
      }),
    );
    for (const message of Messages)
      dead.add(idOf(message.Body ?? '', message.MessageAttributes?.['webhook-id']?.StringValue));
    await new Promise((resolve) => setTimeout(resolve, 250));
  }

  say('demo: POST /provision again, each store (nothing to do)');
  const again = (await Promise.all(STORES.map(provision))).flat();
  const changed = again.filter((entry) => entry.action !== 'unchanged');

  const fetchedOf = (event: Fired) => {
    const found = event.deliveryIds.map((id) => fetchedBy.get(id)).find((value) => value !== undefined);
    return found ?? null;
  };
  const describeFetched = (fetched: Record<string, unknown> | null) =>
    fetched
      ? Object.entries(fetched)
          .map(([key, value]) => `${key}=${String(value)}`)
          .join(' ')
      : '-';

  say('');
  say(
    `${'transport'.padEnd(11)} ${'subscribed scope'.padEnd(42)} ${'fired as'.padEnd(28)} ${'expected'.padEnd(9)} ${'outcome'.padEnd(13)} ${'receives'.padEnd(8)} ${'latency'.padEnd(14)} ${'mark'.padEnd(6)} fetched`,
  );
  const rows = fired.map((event) => ({
    storeHash: event.storeHash,
    transport: event.transport,
    scope: event.subscribed,
    firedAs: event.scope,
    expected: event.expected,
    outcome: outcomeOf(event),
    receives: Math.max(0, ...event.deliveryIds.map((id) => attempts.get(id) ?? 0)),
    fetched: fetchedOf(event),
  }));
  for (const event of fired) {
    const outcome = outcomeOf(event);
    const receives = event.deliveryIds.map((id) => attempts.get(id) ?? 0).join(',');
    const mark = outcome === event.expected ? 'ok' : 'MISSED';
    const latency = event.deliveryIds
      .map((id) => {
        const done = handledAt.get(id);
        const start = firedAt.get(id);
        return done && start ? `${done - start} ms` : '-';
      })
      .join(',');
    say(
      `${event.transport.padEnd(11)} ${event.subscribed.padEnd(42)} ${event.scope.padEnd(28)} ${event.expected.padEnd(9)} ${outcome.padEnd(13)} ${receives.padEnd(8)} ${latency.padEnd(14)} ${mark.padEnd(6)} ${describeFetched(fetchedOf(event))}`,
    );
  }
  if (args.json) writeFileSync(args.json, `${JSON.stringify({ rows }, null, 2)}\n`);
  // The order handler reads its order through context.bigcommerce: the chain's fetch path works end to end.
  const orderRows = rows.filter((row) => row.firedAs === 'store/order/created' && row.expected === 'handled');
  const unfetched = orderRows.filter((row) => typeof row.fetched?.status !== 'string');
  const orderFetched = unfetched.length === 0;
  for (const row of unfetched)
    say(`order row (${row.transport}): the handler did not log the fetched order status`);
  say(`second provision: ${again.length - changed.length}/${again.length} entries unchanged`);
  // EventBridge's side of a miss: a queue policy that refused the rule, a target that failed.
  for (const record of stack.eventBridge.inspect.deliveries().filter((r) => r.outcome !== 'delivered'))
    say(
      `eventbridge: event ${record.eventId} ${record.outcome} (${record.errorCode}: ${record.errorMessage}${record.deadLetterError ? `; DLQ: ${record.deadLetterError}` : ''})`,
    );
  ok = fired.every((event) => outcomeOf(event) === event.expected) && changed.length === 0 && orderFetched;
} catch (error) {
  say(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  if (!ok) {
    say('\nlast lines of the functions output:');
    for (const line of functionLog.slice(-40)) say(line);
  }
  await stack.stop();
}
say(ok ? '\ndemo: every expected outcome happened' : '\ndemo: FAILED');
process.exit(ok ? 0 : 1);
