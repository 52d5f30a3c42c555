import { partition } from '@aws-sdk/core/client';

/**
 * The partition a region belongs to (`aws`, `aws-cn`, `aws-us-gov`, the ISO and EU sovereign ones), read
 * from the partition table the AWS SDK resolves its own endpoints with, so a new partition arrives with an
 * SDK update, not with an edit here. A region the table does not know is in `aws`, as the SDK assumes.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
 */
export const partitionOf = (region: string): string => partition(region).name;
