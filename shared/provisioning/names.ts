import { PermanentError } from '../errors.js';

const PARTNER_NAME = /^aws\.partner(\/[.\-_A-Za-z0-9]+){2,}$/;
const SOURCE_ARN = /^arn:([^:]+):(?:events:)?([a-z0-9-]+):(\d*):event-source\/(.+)$/;

/**
 * The full partner source name and the canonical ARN from the ARN createEventSource returns. The returned
 * `eventSourceName` is only the lower-cased last segment, and the ARN may lack its `events` segment
 * (`arn:aws:us-east-1::event-source/...`), so the ARN is parsed and rebuilt.
 * @see reference/bigcommerce-webhooks.md §1.2
 */
export const parseEventSourceArn = (arn: string) => {
  const match = SOURCE_ARN.exec(arn);
  const [, partition, region, account, name] = match ?? [];
  if (!partition || !region || account === undefined || !name || !PARTNER_NAME.test(name)) {
    throw new PermanentError(`createEventSource returned an ARN that is not a partner event source: ${arn}`);
  }
  return { name, arn: `arn:${partition}:events:${region}:${account}:event-source/${name}` };
};

/** The canonical form of a partner source ARN, for comparing webhook destinations; input unchanged if not one. */
export const normalizeSourceArn = (arn: string) => {
  try {
    return parseEventSourceArn(arn).arn;
  } catch {
    return arn;
  }
};

/** The last segment of a partner source name or ARN, which BigCommerce lower-cases. */
export const lastSegment = (nameOrArn: string) => nameOrArn.slice(nameOrArn.lastIndexOf('/') + 1);

/** The event source name provision asks BigCommerce for when the request names none. */
export const defaultEventSourceName = (prefix: string, storeHash: string) => `${prefix}-${storeHash}`;
