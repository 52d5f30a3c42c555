import type { CaptureReport } from './capture.js';
import type { PlaceholderKind } from './redact.js';
import type { Verdict, Verdicts } from './verdict.js';

/** One verdict in words: accepted (and how) or rejected, and why. */
export const describeVerdict = (verdict: Verdict): string => {
  switch (verdict.outcome) {
    case 'handled':
      return `accepted: ${verdict.scope}, for handler ${verdict.handler}`;
    case 'ignored':
      return verdict.reason === 'no-handler'
        ? `accepted without a handler (no-handler): nothing is registered for ${verdict.scope}; acknowledged with a warning`
        : `accepted and ignored (unknown-scope): ${verdict.scope} is not in the scope catalog; acknowledged with a warning`;
    case 'rejected':
      return `REJECTED (${verdict.reason}): ${verdict.detail}`;
  }
};

/** The consumer's verdict, and the catalog's when a missing handler hides what the data check would say. */
const describeVerdicts = ({ consumer, catalog }: Verdicts): string => {
  if (consumer.outcome !== 'ignored' || consumer.reason !== 'no-handler') return describeVerdict(consumer);
  const data =
    catalog.outcome === 'rejected'
      ? `with a handler it would be ${describeVerdict(catalog)}`
      : "its data matches the scope's schema";
  return `${describeVerdict(consumer)}; ${data}`;
};

const KINDS: Record<PlaceholderKind, string> = {
  storeHash: 'store hash',
  account: 'AWS account',
  uuid: 'UUID (message, EventBridge and resource ids)',
  hex: 'hex hash',
  number: 'numeric id',
  email: 'email address',
  opaque: 'other id (source segments, sender, custom names)',
};

/** What `npm run capture` prints: one verdict per message, the file it went to, and what was redacted. */
export const formatCaptureReport = (report: CaptureReport): string => {
  const where = report.from === 'dlq' ? 'the dead-letter queue' : 'the queue';
  const lines = [
    report.captured.length === 0
      ? `No message on ${report.queueName} (${where}): nothing captured.`
      : `Captured ${report.captured.length} message(s) from ${report.queueName} (${where}); none was consumed.`,
  ];
  for (const [n, message] of report.captured.entries()) {
    lines.push(`${n + 1}. ${describeVerdicts(message.verdict)}`, `   -> ${message.file}`);
    if (message.verdictBeforeRedaction) {
      lines.push(
        `   warning: redaction changed the verdict; before it: ${describeVerdicts(message.verdictBeforeRedaction)}`,
      );
    }
  }
  for (const { messageId, reason } of report.unreleased) {
    lines.push(`not made visible again: ${messageId} (${reason}); it reappears after its visibility timeout`);
  }
  const counts = Object.entries(report.redacted).map(
    ([kind, placeholders]) => `${placeholders.length} ${KINDS[kind as PlaceholderKind] ?? kind}`,
  );
  if (counts.length > 0) lines.push(`Redacted, consistently across the files: ${counts.join(', ')}.`);
  return lines.join('\n');
};
