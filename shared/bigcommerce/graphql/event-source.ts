import { PermanentError } from '../../errors.js';
import type { StoreApi } from './client.js';
import { CreateEventSourceResponseSchema } from './schemas.js';

export interface CreateEventSourceInput {
  awsAccount: string;
  eventSourceName: string;
  /** BigCommerce's enum spelling of the region, e.g. `US_EAST_1`. */
  eventSourceRegion: string;
  clientId: string;
}

/** What createEventSource did: made the source (with the ARN it returned), or found it already there. */
export type CreateEventSourceResult = { created: true; arn: string; id: string } | { created: false };

/** `us-east-1` -> `US_EAST_1`, the spelling of the `eventSourceRegion` enum. */
export const eventSourceRegionOf = (awsRegion: string) => awsRegion.toUpperCase().replaceAll('-', '_');

/**
 * Asks BigCommerce to create the partner event source in the AWS account and region. `AlreadyExistsError`
 * (a source of that name exists) is reported as `{created: false}`; a `ValidationError` is permanent.
 * @see https://developer.bigcommerce.com/docs/integrations/webhooks/aws#set-up-an-event-source
 */
export const createEventSource = async (
  gql: StoreApi,
  input: CreateEventSourceInput,
): Promise<CreateEventSourceResult> => {
  const data = await gql.request(gql.documents.createEventSource, { input }, CreateEventSourceResponseSchema);
  const { eventSource, errors } = data.webhook.createEventSource;
  if (errors.some((error) => error.__typename === 'AlreadyExistsError')) return { created: false };
  const first = errors[0];
  if (first)
    throw new PermanentError(`createEventSource: ${first.__typename}: ${first.message ?? 'no message'}`);
  if (!eventSource)
    throw new PermanentError('createEventSource: no event source and no error in the response');
  return { created: true, arn: eventSource.arn, id: eventSource.id };
};
