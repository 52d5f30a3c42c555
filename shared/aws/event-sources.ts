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

/**
 * Every partner event source of this account and region whose name starts with `namePrefix`, all pages.
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_ListEventSources.html
 */
export const listPartnerSources = async (client: EventBridgeClient, namePrefix: string) => {
  const sources: PartnerSource[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client
      .send(new ListEventSourcesCommand({ NamePrefix: namePrefix, Limit: 100, NextToken: nextToken }))
      .catch((error: unknown) => {
        throw classifyAwsError(error, 'ListEventSources');
      });
    for (const source of page.EventSources ?? []) {
      if (source.Name && source.Arn) {
        sources.push({ name: source.Name, arn: source.Arn, state: source.State ?? 'PENDING' });
      }
    }
    nextToken = page.NextToken;
  } while (nextToken);
  return sources;
};
