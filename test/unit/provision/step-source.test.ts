import { EventBridgeClient, ListEventSourcesCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type StoreGraphQL, withDialect } from '../../../shared/bigcommerce/graphql/client.js';
import { ConflictError, PermanentError } from '../../../shared/errors.js';
import { reconcileSource } from '../../../shared/provisioning/source.js';
import { settings } from '../../helpers/provision-harness.js';
import { SANDBOX_DIALECT } from '../../helpers/sandbox-store.js';

const NAME = 'aws.partner/bigcommerce.com/test/75fq9aqff/bigcommerce-webhooks-k7q2m9x4p1';
const AWS_ARN = `arn:aws:events:us-east-1::event-source/${NAME}`;
/** As BigCommerce's guide shows it: no `events` segment. */
const BIGCOMMERCE_ARN = `arn:aws:us-east-1::event-source/${NAME}`;
const input = { eventSourceName: 'BigCommerce-Webhooks-k7q2m9x4p1', dryRun: false, settings };

const createdResponse = (errors: { __typename: string; message: string }[] = []) => ({
  webhook: {
    createEventSource: {
      eventSource: errors.length
        ? null
        : { id: 'bc/store/eventSource/9', arn: BIGCOMMERCE_ARN, eventSourceName: 'x' },
      errors,
    },
  },
});

const graphqlAnswering = (data: unknown) => {
  const request = vi.fn(
    async (_document: string, _variables: Record<string, unknown>, schema: { parse(v: unknown): unknown }) =>
      schema.parse(data),
  );
  return { graphql: withDialect({ request } as unknown as StoreGraphQL, SANDBOX_DIALECT), request };
};

const noSleep = async () => undefined;

describe('Step: event source', () => {
  const eventBridge = mockClient(EventBridgeClient);
  const client = new EventBridgeClient({});

  beforeEach(() => eventBridge.reset());
  afterEach(() => eventBridge.reset());

  it('finds the source by its lower-cased last segment across pages and leaves it unchanged', async () => {
    // Prepare
    eventBridge
      .on(ListEventSourcesCommand)
      .resolvesOnce({
        EventSources: [{ Name: 'aws.partner/bigcommerce.com/test/x/other', Arn: 'arn:a', State: 'ACTIVE' }],
        NextToken: 't',
      })
      .resolvesOnce({ EventSources: [{ Name: NAME, Arn: AWS_ARN, State: 'ACTIVE' }] });
    const { graphql, request } = graphqlAnswering({});

    // Act
    const { entry } = await reconcileSource(input, { eventBridge: client, graphql });

    // Assess
    expect(entry).toEqual({
      resource: 'source',
      action: 'unchanged',
      eventSourceName: input.eventSourceName,
      name: NAME,
      arn: AWS_ARN,
      state: 'ACTIVE',
    });
    // One listing covers both of BigCommerce's prefixes (`bigcommerce.com/`, `bigcommerce.com.test/`).
    expect(eventBridge).toHaveReceivedCommandWith(ListEventSourcesCommand, {
      NamePrefix: 'aws.partner/bigcommerce.com',
      NextToken: 't',
    });
    expect(request).not.toHaveBeenCalled();
  });

  it('plans a creation in a dry run without calling BigCommerce', async () => {
    // Prepare
    eventBridge.on(ListEventSourcesCommand).resolves({ EventSources: [] });
    const { graphql, request } = graphqlAnswering({});

    // Act
    const { entry, source } = await reconcileSource(
      { ...input, dryRun: true },
      { eventBridge: client, graphql },
    );

    // Assess
    expect(entry.action).toBe('would-create');
    expect(source).toBeUndefined();
    expect(request).not.toHaveBeenCalled();
  });

  it('asks BigCommerce for the source in this account and region, and derives the full name from the ARN', async () => {
    // Prepare
    eventBridge
      .on(ListEventSourcesCommand)
      .resolvesOnce({ EventSources: [] })
      .resolves({ EventSources: [{ Name: NAME, Arn: AWS_ARN, State: 'PENDING' }] });
    const { graphql, request } = graphqlAnswering(createdResponse());

    // Act
    const { entry } = await reconcileSource(input, { eventBridge: client, graphql, sleep: noSleep });

    // Assess
    expect(request.mock.calls[0]?.[1]).toEqual({
      input: {
        awsAccount: '123456789012',
        eventSourceName: input.eventSourceName,
        eventSourceRegion: 'US_EAST_1',
        clientId: settings.clientId,
      },
    });
    expect(entry).toMatchObject({ action: 'created', name: NAME, arn: AWS_ARN, state: 'PENDING' });
  });

  it('treats AlreadyExistsError as an earlier run having created it, and waits for it', async () => {
    // Prepare
    eventBridge
      .on(ListEventSourcesCommand)
      .resolvesOnce({ EventSources: [] })
      .resolvesOnce({ EventSources: [] })
      .resolves({ EventSources: [{ Name: NAME, Arn: AWS_ARN, State: 'PENDING' }] });
    const { graphql } = graphqlAnswering(
      createdResponse([{ __typename: 'AlreadyExistsError', message: 'exists' }]),
    );
    const sleep = vi.fn(noSleep);

    // Act
    const { entry } = await reconcileSource(input, { eventBridge: client, graphql, sleep });

    // Assess
    expect(entry).toMatchObject({ action: 'unchanged', name: NAME });
    expect(sleep).toHaveBeenCalledTimes(1);
  });

  it('fails permanently on a ValidationError from BigCommerce', async () => {
    // Prepare
    eventBridge.on(ListEventSourcesCommand).resolves({ EventSources: [] });
    const { graphql } = graphqlAnswering(
      createdResponse([{ __typename: 'ValidationError', message: 'bad awsAccount' }]),
    );

    // Act
    const result = reconcileSource(input, { eventBridge: client, graphql });

    // Assess
    await expect(result).rejects.toThrow(PermanentError);
    await expect(result).rejects.toThrow(/ValidationError: bad awsAccount/);
  });

  it('refuses to choose between two live sources of the same name', async () => {
    // Prepare
    eventBridge.on(ListEventSourcesCommand).resolves({
      EventSources: [
        { Name: NAME, Arn: AWS_ARN, State: 'ACTIVE' },
        { Name: NAME.replace('75fq9aqff', 'other'), Arn: 'arn:b', State: 'PENDING' },
      ],
    });
    const { graphql } = graphqlAnswering({});

    // Act
    const result = reconcileSource(input, { eventBridge: client, graphql });

    // Assess
    await expect(result).rejects.toThrow(ConflictError);
  });
});
