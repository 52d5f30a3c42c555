import {
  CreateEventBusCommand,
  DeleteEventBusCommand,
  DeleteRuleCommand,
  DescribeEventBusCommand,
  DescribeRuleCommand,
  EventBridgeClient,
  ListEventSourcesCommand,
  ListTagsForResourceCommand,
  ListTargetsByRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
  type Tag,
  TagResourceCommand,
  type Target,
} from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';

/** Calls that change EventBridge state. */
export const MUTATING_COMMANDS = [
  'CreateEventBusCommand',
  'PutRuleCommand',
  'PutTargetsCommand',
  'RemoveTargetsCommand',
  'DeleteRuleCommand',
  'DeleteEventBusCommand',
  'TagResourceCommand',
];

interface FakeRule {
  arn: string;
  eventPattern: string | undefined;
  state: string | undefined;
  description: string | undefined;
  targets: Target[];
}

const notFound = (message: string) => new ResourceNotFoundException({ message, $metadata: {} });

/**
 * An in-memory EventBridge behind aws-sdk-client-mock on the real client class: partner sources, buses,
 * rules and targets keep state between calls, so reconciler runs can be chained. `failNext` makes the
 * next call of a command throw; `addPartnerSource` is what the sandbox's createEventSource hook calls.
 */
export const createEventBridgeFake = (options: { pageSize?: number } = {}) => {
  const mock = mockClient(EventBridgeClient);
  const client = new EventBridgeClient({ region: REGION });
  const sources = new Map<string, { arn: string; state: string; hiddenForLists: number }>();
  const buses = new Map<string, string>();
  const rules = new Map<string, FakeRule>();
  const failures = new Map<string, Error[]>();
  /** Tags by resource ARN, as CreateEventBus, PutRule (on create) and TagResource set them. */
  const tags = new Map<string, Map<string, string>>();
  const setTags = (arn: string, list: Tag[] | undefined) => {
    const map = tags.get(arn) ?? new Map<string, string>();
    for (const tag of list ?? []) map.set(tag.Key ?? '', tag.Value ?? '');
    tags.set(arn, map);
  };
  const exists = (arn: string) =>
    [...buses.values()].includes(arn) || [...rules.values()].some((rule) => rule.arn === arn);
  const pageSize = options.pageSize ?? 2;

  const ruleKey = (bus: string | undefined, name: string | undefined) => `${bus ?? 'default'}|${name}`;
  const guard =
    <I, O>(command: string, impl: (input: I) => O) =>
    async (input: I) => {
      const failure = failures.get(command)?.shift();
      if (failure) throw failure;
      return impl(input);
    };
  const ruleOf = (input: { Rule?: string; Name?: string; EventBusName?: string }) => {
    const rule = rules.get(ruleKey(input.EventBusName, input.Rule ?? input.Name));
    if (!rule) throw notFound(`Rule ${input.Rule ?? input.Name} does not exist.`);
    return rule;
  };

  mock.on(ListEventSourcesCommand).callsFake(
    guard('ListEventSourcesCommand', (input: { NamePrefix?: string; NextToken?: string }) => {
      const visible = [...sources.entries()].filter(([name, source]) => {
        if (source.hiddenForLists > 0) return false;
        return name.startsWith(input.NamePrefix ?? '');
      });
      if (!input.NextToken) {
        for (const source of sources.values()) source.hiddenForLists = Math.max(0, source.hiddenForLists - 1);
      }
      const start = Number(input.NextToken ?? 0);
      const page = visible.slice(start, start + pageSize);
      return {
        EventSources: page.map(([name, source]) => ({ Name: name, Arn: source.arn, State: source.state })),
        NextToken: start + pageSize < visible.length ? String(start + pageSize) : undefined,
      };
    }),
  );
  mock.on(DescribeEventBusCommand).callsFake(
    guard('DescribeEventBusCommand', (input: { Name?: string }) => {
      const arn = buses.get(input.Name ?? '');
      if (!arn) throw notFound(`Event bus ${input.Name} does not exist.`);
      return { Name: input.Name, Arn: arn };
    }),
  );
  mock.on(CreateEventBusCommand).callsFake(
    guard('CreateEventBusCommand', (input: { Name?: string; EventSourceName?: string; Tags?: Tag[] }) => {
      const name = input.Name ?? '';
      const source = sources.get(input.EventSourceName ?? '');
      if (!source || source.hiddenForLists > 0)
        throw notFound(`Event source ${input.EventSourceName} does not exist.`);
      if (buses.has(name)) throw new ResourceAlreadyExistsException({ message: 'exists', $metadata: {} });
      const arn = `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/${name}`;
      buses.set(name, arn);
      tags.delete(arn);
      setTags(arn, input.Tags);
      source.state = 'ACTIVE';
      return { EventBusArn: arn };
    }),
  );
  mock.on(DeleteEventBusCommand).callsFake(
    guard('DeleteEventBusCommand', (input: { Name?: string }) => {
      buses.delete(input.Name ?? '');
      const source = sources.get(input.Name ?? '');
      if (source && source.state === 'ACTIVE') source.state = 'PENDING';
      return {};
    }),
  );
  mock.on(DescribeRuleCommand).callsFake(
    guard('DescribeRuleCommand', (input: { Name?: string; EventBusName?: string }) => {
      const rule = ruleOf(input);
      return {
        Name: input.Name,
        Arn: rule.arn,
        EventPattern: rule.eventPattern,
        State: rule.state,
        Description: rule.description,
      };
    }),
  );
  mock.on(PutRuleCommand).callsFake(
    guard(
      'PutRuleCommand',
      (input: {
        Name?: string;
        EventBusName?: string;
        EventPattern?: string;
        State?: string;
        Description?: string;
        Tags?: Tag[];
      }) => {
        if (!buses.has(input.EventBusName ?? ''))
          throw notFound(`Event bus ${input.EventBusName} does not exist.`);
        const key = ruleKey(input.EventBusName, input.Name);
        const arn = `arn:aws:events:${REGION}:${ACCOUNT}:rule/${input.EventBusName}/${input.Name}`;
        const existing = rules.get(key);
        const targets = existing?.targets ?? [];
        if (!existing) {
          tags.delete(arn);
          setTags(arn, input.Tags);
        }
        rules.set(key, {
          arn,
          eventPattern: input.EventPattern,
          state: input.State,
          description: input.Description,
          targets,
        });
        return { RuleArn: arn };
      },
    ),
  );
  mock.on(DeleteRuleCommand).callsFake(
    guard('DeleteRuleCommand', (input: { Name?: string; EventBusName?: string }) => {
      const key = ruleKey(input.EventBusName, input.Name);
      if ((rules.get(key)?.targets.length ?? 0) > 0) throw new Error('Rule still has targets.');
      rules.delete(key);
      return {};
    }),
  );
  mock.on(ListTargetsByRuleCommand).callsFake(
    guard('ListTargetsByRuleCommand', (input: { Rule?: string; EventBusName?: string }) => ({
      Targets: structuredClone(ruleOf(input).targets),
    })),
  );
  mock.on(PutTargetsCommand).callsFake(
    guard('PutTargetsCommand', (input: { Rule?: string; EventBusName?: string; Targets?: Target[] }) => {
      const rule = ruleOf(input);
      for (const target of input.Targets ?? []) {
        rule.targets = [...rule.targets.filter((t) => t.Id !== target.Id), structuredClone(target)];
      }
      return { FailedEntryCount: 0, FailedEntries: [] };
    }),
  );
  mock.on(RemoveTargetsCommand).callsFake(
    guard('RemoveTargetsCommand', (input: { Rule?: string; EventBusName?: string; Ids?: string[] }) => {
      const rule = ruleOf(input);
      rule.targets = rule.targets.filter((target) => !input.Ids?.includes(target.Id ?? ''));
      return { FailedEntryCount: 0, FailedEntries: [] };
    }),
  );

  mock.on(ListTagsForResourceCommand).callsFake(
    guard('ListTagsForResourceCommand', (input: { ResourceARN?: string }) => {
      const arn = input.ResourceARN ?? '';
      if (!exists(arn)) throw notFound(`Resource ${arn} does not exist.`);
      return { Tags: [...(tags.get(arn) ?? [])].map(([Key, Value]) => ({ Key, Value })) };
    }),
  );
  mock.on(TagResourceCommand).callsFake(
    guard('TagResourceCommand', (input: { ResourceARN?: string; Tags?: Tag[] }) => {
      const arn = input.ResourceARN ?? '';
      if (!exists(arn)) throw notFound(`Resource ${arn} does not exist.`);
      setTags(arn, input.Tags);
      return {};
    }),
  );

  const commandNames = () => mock.calls().map((call) => (call.args[0] as object).constructor.name);

  return {
    mock,
    client,
    sources,
    buses,
    rules,
    /** Tags by resource ARN. */
    tags,
    /** What BigCommerce does for createEventSource: a PENDING partner source in this account. */
    addPartnerSource: (name: string, hiddenForLists = 0) => {
      sources.set(name, {
        arn: `arn:aws:events:${REGION}::event-source/${name}`,
        state: 'PENDING',
        hiddenForLists,
      });
    },
    /** Forgets every source, bus, rule, target, tag, armed failure and recorded call (a fresh EventBridge). */
    reset: () => {
      for (const map of [sources, buses, rules, failures, tags]) map.clear();
      mock.resetHistory();
    },
    /** Makes the next call of `command` (e.g. `PutRuleCommand`) throw `error`. */
    failNext: (command: string, error: Error) =>
      failures.set(command, [...(failures.get(command) ?? []), error]),
    /** Names of the commands sent so far, e.g. `['ListEventSourcesCommand', ...]`. */
    commandNames,
    /** The mutating commands sent so far. */
    mutations: () => commandNames().filter((name) => MUTATING_COMMANDS.includes(name)),
    targetsOf: (bus: string, rule: string) => rules.get(ruleKey(bus, rule))?.targets ?? [],
  };
};

export type EventBridgeFake = ReturnType<typeof createEventBridgeFake>;
