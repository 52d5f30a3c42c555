import {
  type EventBridgeClient,
  ListTagsForResourceCommand,
  type Tag,
  TagResourceCommand,
} from '@aws-sdk/client-eventbridge';
import { classifyAwsError, isAwsError } from './errors.js';

/**
 * The tags of an EventBridge bus or rule by ARN, as a record; `undefined` when the resource is gone.
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_ListTagsForResource.html
 */
export const listTags = async (
  client: EventBridgeClient,
  arn: string,
): Promise<Record<string, string> | undefined> => {
  try {
    const { Tags = [] } = await client.send(new ListTagsForResourceCommand({ ResourceARN: arn }));
    return Object.fromEntries(Tags.flatMap((tag) => (tag.Key ? [[tag.Key, tag.Value ?? '']] : [])));
  } catch (error) {
    if (isAwsError(error, 'ResourceNotFoundException')) return undefined;
    throw classifyAwsError(error, 'ListTagsForResource');
  }
};

/**
 * Adds or overwrites tags on an EventBridge bus or rule (PutRule ignores Tags on an existing rule).
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_TagResource.html
 */
export const tagResource = async (client: EventBridgeClient, arn: string, tags: Tag[]) => {
  await client.send(new TagResourceCommand({ ResourceARN: arn, Tags: tags })).catch((error: unknown) => {
    throw classifyAwsError(error, 'TagResource');
  });
};
