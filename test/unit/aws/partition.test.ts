import { describe, expect, it } from 'vitest';
import { partitionOf } from '../../../shared/aws/partition.js';

describe('AWS partitions', () => {
  it.each([
    ['us-east-1', 'aws'],
    ['eu-central-2', 'aws'],
    ['cn-northwest-1', 'aws-cn'],
    ['us-gov-west-1', 'aws-us-gov'],
    ['us-iso-east-1', 'aws-iso'],
    ['us-isob-east-1', 'aws-iso-b'],
    ['eusc-de-east-1', 'aws-eusc'],
  ])('puts %s in %s', (region, partition) => {
    expect(partitionOf(region)).toBe(partition);
  });

  it('puts a region the table does not know in aws, as the AWS SDK does', () => {
    expect(partitionOf('xx-nowhere-9')).toBe('aws');
  });
});
