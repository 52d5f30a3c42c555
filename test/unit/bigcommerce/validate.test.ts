import { describe, expect, it } from 'vitest';
import { sampleData } from '../../../shared/bigcommerce/samples.js';
import { dataValidatorOf } from '../../../shared/bigcommerce/validate.js';

describe('Compiled data validators', () => {
  it('compiles the schema a family shares once, for all its scopes', () => {
    // Act
    const created = dataValidatorOf('store/order/created');
    const updated = dataValidatorOf('store/order/updated');
    const product = dataValidatorOf('store/product/created');

    // Assess
    expect(updated).toBe(created);
    expect(product).not.toBe(created);
  });

  it('accepts the documented sample and rejects the wrong type, as the runtime schema does', () => {
    // Act
    const validator = dataValidatorOf('store/category/updated');

    // Assess
    expect(validator.safeParse(sampleData('store/category/updated')).success).toBe(true);
    expect(validator.safeParse({ type: 'category', id: '43' }).success).toBe(false);
  });
});
