import { describe, expect, it } from 'vitest';
import { defaultScopes, unhandledScopes } from '../../../functions/provision/scopes.js';
import { SUBSCRIBED_SCOPES } from '../../../shared/bigcommerce/scopes/subscribed.js';
import { PermanentError } from '../../../shared/errors.js';
import { normalizeSourceArn, parseEventSourceArn } from '../../../shared/provisioning/names.js';
import { collapseScopes, scopeProblem } from '../../../shared/provisioning/scopes.js';

const NAME = 'aws.partner/bigcommerce.com/test/75fq9aqffI1I19pgc20b3xs8pulgqynm/final-test-1';

describe('Partner source names', () => {
  it.each([
    ['the ARN BigCommerce documents (no events segment)', `arn:aws:us-east-1::event-source/${NAME}`],
    ['a canonical ARN', `arn:aws:events:us-east-1::event-source/${NAME}`],
  ])('derives the full name and the canonical ARN from %s', (_, arn) => {
    // Act
    const parsed = parseEventSourceArn(arn);

    // Assess
    expect(parsed).toEqual({ name: NAME, arn: `arn:aws:events:us-east-1::event-source/${NAME}` });
  });

  it('rejects an ARN that is not a partner event source, and leaves such destinations as they are', () => {
    // Act
    const parse = () => parseEventSourceArn('arn:aws:sqs:us-east-1:123456789012:queue');

    // Assess
    expect(parse).toThrow(PermanentError);
    expect(normalizeSourceArn('projects/p/topics/t')).toBe('projects/p/topics/t');
  });
});

describe('Scopes to subscribe', () => {
  it.each([
    ['store/order/created', undefined],
    ['store/order/*', undefined],
    ['store/channel/1/cart/created', undefined],
    ['store/channel/12/cart/*', undefined],
    ['store/channel/*/inventory/product/stock_changed', undefined],
    ['store/channel/{channel_id}/cart/created', /concrete channel id.*store\/channel\/1\/cart\/created/],
    ['store/nothing/here', /not a webhook scope/],
    ['store/*', /not a webhook scope/],
  ])('%s', (scope, problem) => {
    // Act
    const found = scopeProblem(scope);

    // Assess
    if (problem) expect(found).toMatch(problem);
    else expect(found).toBeUndefined();
  });

  it('drops duplicates and scopes a wildcard of the same request already covers', () => {
    // Act
    const scopes = collapseScopes([
      'store/product/updated',
      'store/order/created',
      'store/product/*',
      'store/order/created',
      'store/channel/1/cart/*',
      'store/channel/1/cart/created',
      'store/channel/2/cart/created',
    ]);

    // Assess
    expect(scopes).toEqual([
      'store/channel/1/cart/*',
      'store/channel/2/cart/created',
      'store/order/created',
      'store/product/*',
    ]);
  });

  it('defaults to the subscribed scopes, leaving out those that need a channel id', () => {
    expect(defaultScopes(SUBSCRIBED_SCOPES)).toEqual([...SUBSCRIBED_SCOPES]);
    expect(defaultScopes(['store/channel/{channel_id}/cart/created', 'store/order/created'])).toEqual([
      'store/order/created',
    ]);
  });

  it('names requested scopes that cover a catalog scope with no handler', () => {
    // Act
    const unhandled = unhandledScopes(
      ['store/order/created', 'store/order/*', 'store/product/updated', 'store/cart/created'],
      SUBSCRIBED_SCOPES,
    );

    // Assess
    expect(unhandled).toEqual(['store/order/*', 'store/cart/created']);
  });
});
