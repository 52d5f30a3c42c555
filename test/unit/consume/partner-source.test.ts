import { describe, expect, it, vi } from 'vitest';
import { createRecordProcessor } from '../../../functions/consume/consume.js';
import { createFakeDedupe } from '../../helpers/fake-dedupe.js';
import { createFakeLogger } from '../../helpers/fake-logger.js';
import { recordFor, STORE_HASH } from '../../helpers/records.js';

/** A `store/order/created` record as if put on the partner event source `source`. */
const onSource = (source: string) => {
  const record = recordFor('store/order/created', { type: 'order', id: 1 });
  return { ...record, body: JSON.stringify({ ...JSON.parse(record.body), source }) };
};

const setup = () => {
  const handle = vi.fn();
  const log = createFakeLogger();
  const { dedupe } = createFakeDedupe();
  const process = createRecordProcessor({
    handlers: { 'store/order/created': handle },
    logger: log.logger,
    dedupe,
  });
  return { process, handle, lines: log.lines };
};

describe('Function: consume, the partner source of an event', () => {
  it.each([
    `aws.partner/bigcommerce.com/test/75fq9aqff/bigcommerce-webhooks-${STORE_HASH}`,
    `aws.partner/bigcommerce.com.test/75fq9aqff/bigcommerce-webhooks-${STORE_HASH}`,
  ])('hands an event from %s to its handler', async (source) => {
    // Prepare
    const { process, handle } = setup();

    // Act
    const outcome = await process(onSource(source));

    // Assess
    expect(outcome.status).toBe('handled');
    expect(handle).toHaveBeenCalledTimes(1);
  });

  it.each([
    `aws.partner/bigcommerce.commerce/test/75fq9aqff/bigcommerce-webhooks-${STORE_HASH}`,
    `aws.partner/bigcommerce.com.testing/75fq9aqff/bigcommerce-webhooks-${STORE_HASH}`,
    `aws.partner/shopify.com/test/75fq9aqff/bigcommerce-webhooks-${STORE_HASH}`,
    `aws.partner/bigcommerce.com`,
  ])('fails an event from %s, naming the two sources it accepts', async (source) => {
    // Prepare
    const { process, handle, lines } = setup();

    // Act
    const outcome = process(onSource(source));

    // Assess
    await expect(outcome).rejects.toMatchObject({ reason: 'not-a-bigcommerce-event' });
    expect(handle).not.toHaveBeenCalled();
    expect(lines[0]?.extra.detail).toContain(
      'source: expected a source starting with aws.partner/bigcommerce.com/ or aws.partner/bigcommerce.com.test/',
    );
  });
});
