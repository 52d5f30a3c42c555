import { describe, expect, it } from 'vitest';
import { samplePayload } from '../../../shared/bigcommerce/samples.js';
import { MALFORMED, scopeOfBody, UNKNOWN } from '../../../shared/ops/scopes.js';
import { recordFor, STORE_HASH } from '../../helpers/records.js';

const payload = (scope: string) =>
  samplePayload({ scope, data: { type: 'cart', id: 'c-1' }, storeHash: STORE_HASH, createdAt: 1764290000 });

describe('Function: scopeOfBody', () => {
  it("reads an EventBridge event's scope from its detail", () => {
    // Act & Assess
    expect(scopeOfBody(recordFor('store/category/updated').body)).toBe('store/category/updated');
  });

  it("reads the raw BigCommerce payload's top-level scope, as the HTTPS ingress queues it", () => {
    // Prepare
    const body = JSON.stringify(payload('store/cart/abandoned'));

    // Act & Assess
    expect(scopeOfBody(body)).toBe('store/cart/abandoned');
  });

  it('counts a body that is not JSON as malformed', () => {
    // Act & Assess
    expect(scopeOfBody('{"scope": "store/order/cre')).toBe(MALFORMED);
  });

  it('counts JSON that is neither an EventBridge event nor a BigCommerce payload as unknown, even with a scope field', () => {
    // Prepare: a scope, but none of a payload's producer, hash or store id
    const body = JSON.stringify({ scope: 'store/order/created', data: {} });

    // Act & Assess
    expect(scopeOfBody(body)).toBe(UNKNOWN);
    expect(scopeOfBody(JSON.stringify({ 'detail-type': 'somethingElse', detail: {} }))).toBe(UNKNOWN);
  });
});
