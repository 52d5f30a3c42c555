import {
  CreateEventBusCommand,
  CreatePartnerEventSourceCommand,
  DescribeEventSourceCommand,
  ListEventSourcesCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-eventbridge';
import { afterEach, describe, expect, it } from 'vitest';
import { type EventBridgeStack, startEventBridgeStack } from '../../helpers/eventbridge-stack.js';

const ACCOUNT = '123456789012';
const sourceName = (n: number) => `aws.partner/bigcommerce.com/${ACCOUNT}/store-${n}`;

describe('EventBridge emulator: sources reaching the listings late, and small pages', () => {
  let stack: EventBridgeStack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  const start = async (behaviour: { sourceHiddenForLists?: number; maxPageSize?: number }) => {
    stack = await startEventBridgeStack({ behaviour });
    return stack;
  };
  const createSource = (s: EventBridgeStack, n: number) =>
    s.eventBridge.send(new CreatePartnerEventSourceCommand({ Name: sourceName(n), Account: ACCOUNT }));
  const listedNames = async (s: EventBridgeStack) =>
    ((await s.eventBridge.send(new ListEventSourcesCommand({}))).EventSources ?? []).map((e) => e.Name);

  it('leaves a new source out of the first n listings, and Describe and CreateEventBus do not find it meanwhile', async () => {
    // Prepare
    const s = await start({ sourceHiddenForLists: 2 });
    await createSource(s, 1);

    // Act
    const first = await listedNames(s);
    const describing = await s.eventBridge
      .send(new DescribeEventSourceCommand({ Name: sourceName(1) }))
      .catch((error: unknown) => error);
    const creatingBus = await s.eventBridge
      .send(new CreateEventBusCommand({ Name: sourceName(1), EventSourceName: sourceName(1) }))
      .catch((error: unknown) => error);
    const second = await listedNames(s);
    const third = await listedNames(s);

    // Assess
    expect(first).toEqual([]);
    expect(describing).toBeInstanceOf(ResourceNotFoundException);
    expect(creatingBus).toBeInstanceOf(ResourceNotFoundException);
    expect(second).toEqual([]);
    expect(third).toEqual([sourceName(1)]);
  });

  it('shows every hidden source at once through the showSources test hook', async () => {
    // Prepare
    const s = await start({ sourceHiddenForLists: 1_000 });
    await createSource(s, 1);

    // Act
    const before = await listedNames(s);
    s.emulator.showSources();
    const after = await listedNames(s);

    // Assess
    expect(before).toEqual([]);
    expect(after).toEqual([sourceName(1)]);
  });

  it('answers at most maxPageSize items a page whatever the Limit, with a NextToken to the rest', async () => {
    // Prepare
    const s = await start({ maxPageSize: 2 });
    for (const n of [1, 2, 3]) await createSource(s, n);

    // Act
    const first = await s.eventBridge.send(new ListEventSourcesCommand({ Limit: 100 }));
    const second = await s.eventBridge.send(
      new ListEventSourcesCommand({ Limit: 100, NextToken: first.NextToken }),
    );

    // Assess
    expect(first.EventSources?.map((e) => e.Name)).toEqual([sourceName(1), sourceName(2)]);
    expect(first.NextToken).toBeDefined();
    expect(second.EventSources?.map((e) => e.Name)).toEqual([sourceName(3)]);
    expect(second.NextToken).toBeUndefined();
  });
});
