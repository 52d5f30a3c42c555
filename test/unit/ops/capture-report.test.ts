import { describe, expect, it } from 'vitest';
import type { CaptureReport } from '../../../shared/ops/capture.js';
import { describeVerdict, formatCaptureReport } from '../../../shared/ops/capture-report.js';
import type { Verdict } from '../../../shared/ops/verdict.js';

const handled: Verdict = {
  accepted: true,
  outcome: 'handled',
  scope: 'store/order/created',
  handler: 'store/order/created',
};
const noHandler: Verdict = {
  accepted: true,
  outcome: 'ignored',
  reason: 'no-handler',
  scope: 'store/cart/created',
};
const schemaViolation: Verdict = {
  accepted: false,
  outcome: 'rejected',
  reason: 'schema-violation',
  detail: 'id: Invalid input: expected number, received string',
};

describe('Ops: what npm run capture prints', () => {
  it.each([
    [handled, 'accepted: store/order/created, for handler store/order/created'],
    [
      noHandler,
      'accepted without a handler (no-handler): nothing is registered for store/cart/created; acknowledged with a warning',
    ],
    [
      { accepted: true, outcome: 'ignored', reason: 'unknown-scope', scope: 'store/teleporter/created' },
      'accepted and ignored (unknown-scope): store/teleporter/created is not in the scope catalog; acknowledged with a warning',
    ],
    [schemaViolation, 'REJECTED (schema-violation): id: Invalid input: expected number, received string'],
  ] as [Verdict, string][])('describes the verdict %j in words', (verdict, words) => {
    expect(describeVerdict(verdict)).toBe(words);
  });

  it('prints a verdict per message with its file, what a missing handler hides, redaction changes, unreleased messages and the redaction counts', () => {
    // Prepare
    const report: CaptureReport = {
      queueName: 'bigcommerce-webhooks-prod-events-dlq',
      from: 'dlq',
      captured: [
        {
          file: 'events/captured/m1.json',
          messageId: 'm1',
          verdict: { consumer: schemaViolation, catalog: schemaViolation },
        },
        {
          file: 'events/captured/m2.json',
          messageId: 'm2',
          verdict: { consumer: noHandler, catalog: schemaViolation },
          verdictBeforeRedaction: {
            consumer: noHandler,
            catalog: { ...handled, scope: 'store/cart/created' },
          },
        },
      ],
      unreleased: [{ messageId: 'm3', reason: 'ReceiptHandleIsInvalid' }],
      redacted: { storeHash: ['s000000001'], uuid: ['u1', 'u2'] },
    };

    // Act
    const text = formatCaptureReport(report);

    // Assess
    expect(text.split('\n')).toEqual([
      'Captured 2 message(s) from bigcommerce-webhooks-prod-events-dlq (the dead-letter queue); none was consumed.',
      `1. ${describeVerdict(schemaViolation)}`,
      '   -> events/captured/m1.json',
      `2. ${describeVerdict(noHandler)}; with a handler it would be ${describeVerdict(schemaViolation)}`,
      '   -> events/captured/m2.json',
      `   warning: redaction changed the verdict; before it: ${describeVerdict(noHandler)}; its data matches the scope's schema`,
      'not made visible again: m3 (ReceiptHandleIsInvalid); it reappears after its visibility timeout',
      'Redacted, consistently across the files: 1 store hash, 2 UUID (message, EventBridge and resource ids).',
    ]);
  });

  it('says so when the queue held nothing', () => {
    // Act
    const text = formatCaptureReport({
      queueName: 'bigcommerce-webhooks-dev-events',
      from: 'queue',
      captured: [],
      unreleased: [],
      redacted: {},
    });

    // Assess
    expect(text).toBe('No message on bigcommerce-webhooks-dev-events (the queue): nothing captured.');
  });
});
