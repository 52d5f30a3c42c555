import { type EventBridgeClient, ListEventSourcesCommand } from '@aws-sdk/client-eventbridge';
import { classifyAwsError } from './errors.js';

/** A partner event source as this account sees it. */
export interface PartnerSource {
  /** The full name, e.g. `aws.partner/bigcommerce.com/test/75fq.../final-test-1`. */
  name: string;
  arn: string;
  /** `PENDING` (no bus yet), `ACTIVE` (bus associated) or `DELETED` (the partner deleted it). */
  state: string;
}

/** The longest text every one of `prefixes` starts with. */
const commonPrefix = (prefixes: readonly string[]) =>
  prefixes.reduce((common, prefix) => {
    let length = 0;
    while (length < common.length && common[length] === prefix[length]) length += 1;
    return common.slice(0, length);
  }, prefixes[0] ?? '');

/**
 * Every partner event source of this account and region whose name starts with one of `namePrefixes`, all
 * pages. ListEventSources takes one `NamePrefix`, so it lists under the prefixes' common start (one listing,
 * not one per prefix) and keeps only the names that start with one of them.
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_ListEventSources.html
 */
export const listPartnerSources = async (client: EventBridgeClient, namePrefixes: readonly string[]) => {
  const namePrefix = commonPrefix(namePrefixes) || undefined;
  const wanted = (name: string) => namePrefixes.some((prefix) => name.startsWith(prefix));
  const sources: PartnerSource[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client
      .send(new ListEventSourcesCommand({ NamePrefix: namePrefix, Limit: 100, NextToken: nextToken }))
      .catch((error: unknown) => {
        throw classifyAwsError(error, 'ListEventSources');
      });
    for (const source of page.EventSources ?? []) {
      if (source.Name && source.Arn && wanted(source.Name)) {
        sources.push({ name: source.Name, arn: source.Arn, state: source.State ?? 'PENDING' });
      }
    }
    nextToken = page.NextToken;
  } while (nextToken);
  return sources;
};
