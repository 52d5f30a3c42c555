import {
  CreatePartnerEventSourceCommand,
  DeletePartnerEventSourceCommand,
  EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
  TagResourceCommand,
  type Target,
  UntagResourceCommand,
} from '@aws-sdk/client-eventbridge';
import {
  type EventBridgeEmulator,
  type EventBridgeEmulatorOptions,
  startEventBridgeEmulator,
} from '../../local/eventbridge/index.js';
import { type PartnerClients, partnerClients } from '../../local/sandbox/partner-source-hook.js';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';

/** Operations that change EventBridge state. */
export const MUTATING_OPERATIONS = [
  'CreateEventBus',
  'PutRule',
  'PutTargets',
  'RemoveTargets',
  'DeleteRule',
  'DeleteEventBus',
  'UpdateEventBus',
  'TagResource',
  'UntagResource',
];

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

/**
 * The provisioning tests' EventBridge: the project's emulator on 127.0.0.1 (port 0) behind the real SDK
 * client, so these tests and the reliability chain share one state model. The client makes one attempt per
 * call (an injected fault fails the call it is armed for, not an SDK retry), and List calls answer two
 * items a page, so the reconciler walks the pages. `options.behaviour` adds what a test needs, e.g.
 * `sourceHiddenForLists`.
 */
export const startProvisionEventBridge = async (
  options: Pick<EventBridgeEmulatorOptions, 'behaviour' | 'clock'> = {},
) => {
  const emulator: EventBridgeEmulator = await startEventBridgeEmulator({
    port: 0,
    account: ACCOUNT,
    region: REGION,
    ...(options.clock && { clock: options.clock }),
    behaviour: { maxPageSize: 2, ...options.behaviour },
  });
  const client = new EventBridgeClient({
    region: REGION,
    endpoint: emulator.url,
    credentials,
    maxAttempts: 1,
  });
  /** The partner's clients: BigCommerce's side of EventBridge (Create/DeletePartnerEventSource). */
  const partners: PartnerClients = partnerClients({ endpoint: emulator.url, credentials });
  let baseline: Record<string, number> = {};
  /** Calls this helper made itself (a test's own hands), left out of `calls` and `mutations`. */
  const own = new Map<string, number>();
  const callsSinceForgotten = () =>
    Object.entries(emulator.calls()).flatMap(([name, count]) =>
      Array.from({ length: count - (baseline[name] ?? 0) - (own.get(name) ?? 0) }, () => name),
    );
  /** Sends a call as someone other than the code under test (a partner, a person in the console). */
  const byHand = async <T>(operation: string, send: () => Promise<T>): Promise<T> => {
    own.set(operation, (own.get(operation) ?? 0) + 1);
    return send();
  };
  const inspect = emulator.inspect;

  return {
    emulator,
    /** The client the code under test is given. */
    client,
    partners,
    /** What BigCommerce does for createEventSource: a PENDING partner source in `account` (default ours). */
    createPartnerSource: async (name: string, account = ACCOUNT) => {
      await byHand('CreatePartnerEventSource', () =>
        partners
          .clientFor(REGION)
          .send(new CreatePartnerEventSourceCommand({ Name: name, Account: account })),
      );
    },
    /**
     * What BigCommerce does when it drops a source: with its bus still there the source shows as DELETED,
     * without one it is gone.
     */
    deletePartnerSource: async (name: string, account = ACCOUNT) => {
      await byHand('DeletePartnerEventSource', () =>
        partners
          .clientFor(REGION)
          .send(new DeletePartnerEventSourceCommand({ Name: name, Account: account })),
      );
    },
    /**
     * Someone else changes the rule (its pattern or state) through PutRule, as drift happens in AWS; the
     * other fields stay as they are.
     */
    driftRule: async (
      busName: string,
      ruleName: string,
      change: { eventPattern?: string; state?: 'ENABLED' | 'DISABLED' },
    ) => {
      const rule = inspect.rules(busName).find((candidate) => candidate.name === ruleName);
      if (rule === undefined) throw new Error(`no rule ${ruleName} on ${busName}`);
      await byHand('PutRule', () =>
        client.send(
          new PutRuleCommand({
            Name: ruleName,
            EventBusName: busName,
            EventPattern: change.eventPattern ?? rule.eventPattern,
            State: change.state ?? (rule.state === 'DISABLED' ? 'DISABLED' : 'ENABLED'),
            Description: rule.description,
          }),
        ),
      );
    },
    /** Someone else puts a target on the rule (PutTargets). */
    putForeignTarget: async (busName: string, ruleName: string, target: Target) => {
      await byHand('PutTargets', () =>
        client.send(new PutTargetsCommand({ Rule: ruleName, EventBusName: busName, Targets: [target] })),
      );
    },
    /** Someone else sets tags on a bus or rule (TagResource). */
    tag: async (arn: string, tags: Record<string, string>) => {
      await byHand('TagResource', () =>
        client.send(
          new TagResourceCommand({
            ResourceARN: arn,
            Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
          }),
        ),
      );
    },
    /** Someone else removes every tag of the bus and of its rules (UntagResource). */
    untagChain: async (busName: string) => {
      const owners = [
        ...inspect.buses().filter((bus) => bus.name === busName),
        ...inspect.rules(busName),
      ].filter((owner) => owner.tags.size > 0);
      for (const owner of owners) {
        await byHand('UntagResource', () =>
          client.send(new UntagResourceCommand({ ResourceARN: owner.arn, TagKeys: [...owner.tags.keys()] })),
        );
      }
    },
    /** Names of the mutating operations the code under test sent since the last `forgetCalls` (or start), e.g. `['PutRule']`. */
    mutations: () => callsSinceForgotten().filter((name) => MUTATING_OPERATIONS.includes(name)),
    /** Every operation the code under test sent since the last `forgetCalls` (or start). */
    calls: callsSinceForgotten,
    /** Counts calls from now on only; state is kept. */
    forgetCalls: () => {
      baseline = emulator.calls();
      own.clear();
    },
    /** The bus's ARN, or undefined when there is no such bus. */
    busArn: (name: string) => inspect.buses().find((bus) => bus.name === name)?.arn,
    /** The named rule of a bus, or undefined. */
    rule: (busName: string, ruleName: string) =>
      inspect.rules(busName).find((rule) => rule.name === ruleName),
    /** The targets of a rule as PutTargets stored them (none when the rule does not exist). */
    targetsOf: (busName: string, ruleName: string) => inspect.targets(ruleName, busName),
    /** How many partner buses, rules on them and targets on those rules exist. */
    resources: () => {
      const buses = inspect.buses().filter((bus) => bus.name.startsWith('aws.partner/'));
      const rules = buses.flatMap((bus) => inspect.rules(bus.name));
      const targets = rules.flatMap((rule) => inspect.targets(rule.name, rule.busName));
      return { buses: buses.length, rules: rules.length, targets: targets.length };
    },
    /** The tags of a bus or rule by ARN, as an object. */
    tagsOf: (arn: string) => {
      const owner =
        inspect.buses().find((bus) => bus.arn === arn) ??
        inspect
          .buses()
          .flatMap((bus) => inspect.rules(bus.name))
          .find((rule) => rule.arn === arn);
      return Object.fromEntries(owner?.tags ?? []);
    },
    /** A fresh EventBridge: no source, bus (but the default one), rule, target, tag, fault or counted call. */
    reset: () => {
      emulator.reset();
      baseline = {};
      own.clear();
    },
    close: async () => {
      client.destroy();
      partners.destroy();
      await emulator.close();
    },
  };
};

export type ProvisionEventBridge = Awaited<ReturnType<typeof startProvisionEventBridge>>;
