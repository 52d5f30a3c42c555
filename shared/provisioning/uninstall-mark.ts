/**
 * The mark a `store/app/uninstalled` event leaves on a store's registry item. It is the one write the
 * consumer makes to the stores table, so this module imports nothing: the consume bundle carries these few
 * lines, not the reconciler or an AWS SDK client (the scheduled reconcile reads the mark and tears the
 * store's AWS side down; see reconcile-store.ts).
 */

/** The registry item's attribute holding when the app was uninstalled (epoch ms). */
export const UNINSTALLED_AT = 'uninstalledAt';

/** The attribute holding when a POST last wrote the store's desired state (epoch ms). */
export const DESIRED_AT = 'desiredAt';

/** The one call the mark makes, as `@aws-lite/dynamodb` takes it (plain values, not DynamoDB JSON). */
export interface UninstallMarkClient {
  UpdateItem(input: {
    TableName: string;
    Key: Record<string, unknown>;
    UpdateExpression: string;
    ConditionExpression?: string;
    ExpressionAttributeNames?: Record<string, string>;
    ExpressionAttributeValues?: Record<string, unknown>;
  }): Promise<unknown>;
}

/**
 * What marking found: the store was marked, or nothing was (it is not registered, so nothing of it is
 * left to tear down, or a POST registered it again after the event).
 */
export type MarkResult = 'marked' | 'not-marked';

/**
 * Marks a registered store uninstalled at `at` (epoch ms, the event's time). Only a registered store is
 * marked, and only by an event newer than the last POST's desired state: a POST made after the app was
 * installed again wins over a late copy of the uninstall event. A refused condition is not an error (`not-marked`);
 * any other failure throws, so the record is retried.
 * IAM: dynamodb:UpdateItem on the stores table.
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html
 */
export const markUninstalled = async (
  client: UninstallMarkClient,
  tableName: string,
  storeHash: string,
  at: number,
): Promise<MarkResult> => {
  try {
    await client.UpdateItem({
      TableName: tableName,
      Key: { storeHash },
      UpdateExpression: 'SET #uninstalledAt = :at',
      ConditionExpression:
        'attribute_exists(#desired) AND (attribute_not_exists(#desiredAt) OR #desiredAt < :at)',
      ExpressionAttributeNames: {
        '#uninstalledAt': UNINSTALLED_AT,
        '#desired': 'desired',
        '#desiredAt': DESIRED_AT,
      },
      ExpressionAttributeValues: { ':at': at },
    });
    return 'marked';
  } catch (error) {
    if ((error as { name?: string }).name === 'ConditionalCheckFailedException') return 'not-marked';
    throw error;
  }
};
