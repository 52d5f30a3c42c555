import { describe, expect, it } from 'vitest';
import { type EventPattern, matchesEventPattern } from '../../../local/eventbridge/pattern.js';
import { InvalidEventPatternError, parseEventPattern } from '../../../local/eventbridge/pattern-validate.js';

// Patterns are AWS's documented examples:
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern.html
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
// https://docs.aws.amazon.com/eventbridge/latest/userguide/content-filtering-with-event-patterns.html
const ec2Event = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-10-02T18:43:48Z',
  region: 'us-west-1',
  resources: [
    'arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0',
    'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
  ],
  detail: {
    'instance-id': 'i-1234567890abcdef0',
    state: 'terminated',
    'c-count': 5,
    'd-count': 7,
    'x-limit': 301.8,
    'source-ip': '10.0.0.123',
    FileName: 'photo.PNG',
    Location: 'New York',
    Day: 'Monday',
    eventVersion: '',
    responseElements: null,
    service: 'EventBridge',
    EventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/orders',
    items: [
      { sku: 'a-1', qty: 2 },
      { sku: 'b-2', qty: 0 },
    ],
  },
};

const matches = (json: string, event: unknown = ec2Event): boolean =>
  matchesEventPattern(parseEventPattern(json), event);

describe('Function: matchesEventPattern', () => {
  describe('exact values', () => {
    it.each([
      [
        'the documented source + detail-type + nested state',
        '{"source":["aws.ec2"],"detail-type":["EC2 Instance State-change Notification"],"detail":{"state":["terminated"]}}',
        true,
      ],
      ['one wrong value among the fields', '{"source":["aws.ec2"],"detail":{"state":["running"]}}', false],
      ['any value of a list (OR)', '{"detail":{"state":["pending","terminated"]}}', true],
      ['a field the event lacks', '{"detail":{"nope":["x"]}}', false],
      [
        'an event array sharing one value with the pattern',
        '{"resources":["arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f","arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f"]}',
        true,
      ],
      [
        'an event array sharing no value',
        '{"resources":["arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f"]}',
        false,
      ],
      ['numbers compared as numbers', '{"detail":{"x-limit":[3.018e2]}}', true],
      ['a string never equal to a number', '{"detail":{"c-count":["5"]}}', false],
      ['the empty string', '{"detail":{"eventVersion":[""]}}', true],
      ['null', '{"detail":{"responseElements":[null]}}', true],
      ['null against a present string', '{"detail":{"state":[null]}}', false],
      ['AND across fields', '{"detail":{"Location":["New York"],"Day":["Monday"]}}', true],
      ['a field inside an array of objects', '{"detail":{"items":{"sku":["b-2"]}}}', true],
      ['values from two different array elements', '{"detail":{"items":{"sku":["a-1"],"qty":[0]}}}', false],
    ])('%s', (_, pattern, expected) => {
      // Act
      const result = matches(pattern);

      // Assess
      expect(result).toBe(expected);
    });
  });

  describe('content filters', () => {
    it.each([
      ['prefix', '{"time":[{"prefix":"2017-10-02"}]}', true],
      ['prefix that does not match', '{"time":[{"prefix":"2018"}]}', false],
      ['prefix ignoring case', '{"detail":{"service":[{"prefix":{"equals-ignore-case":"eventb"}}]}}', true],
      ['suffix', '{"detail":{"FileName":[{"suffix":".PNG"}]}}', true],
      ['suffix is case-sensitive', '{"detail":{"FileName":[{"suffix":".png"}]}}', false],
      ['suffix ignoring case', '{"detail":{"FileName":[{"suffix":{"equals-ignore-case":".png"}}]}}', true],
      ['equals-ignore-case', '{"detail":{"state":[{"equals-ignore-case":"TERMINATED"}]}}', true],
      ['anything-but a string', '{"detail":{"state":[{"anything-but":"initializing"}]}}', true],
      ['anything-but the value present', '{"detail":{"state":[{"anything-but":"terminated"}]}}', false],
      ['anything-but a number', '{"detail":{"c-count":[{"anything-but":123}]}}', true],
      [
        'anything-but a list of strings',
        '{"detail":{"state":[{"anything-but":["stopped","overloaded"]}]}}',
        true,
      ],
      [
        'anything-but a list holding the value',
        '{"detail":{"state":[{"anything-but":["stopped","terminated"]}]}}',
        false,
      ],
      ['anything-but a list of numbers', '{"detail":{"d-count":[{"anything-but":[100,200,300]}]}}', true],
      ['anything-but a prefix', '{"detail":{"state":[{"anything-but":{"prefix":"init"}}]}}', true],
      ['anything-but the prefix present', '{"detail":{"state":[{"anything-but":{"prefix":"term"}}]}}', false],
      ['anything-but a suffix', '{"detail":{"FileName":[{"anything-but":{"suffix":".txt"}}]}}', true],
      [
        'anything-but ignoring case',
        '{"detail":{"state":[{"anything-but":{"equals-ignore-case":["TERMINATED"]}}]}}',
        false,
      ],
      ['anything-but on a missing field', '{"detail":{"nope":[{"anything-but":"x"}]}}', false],
      [
        'numeric range',
        '{"detail":{"c-count":[{"numeric":[">",0,"<=",5]}],"d-count":[{"numeric":["<",10]}],"x-limit":[{"numeric":["=",3.018e2]}]}}',
        true,
      ],
      ['numeric range the value is outside', '{"detail":{"c-count":[{"numeric":[">",5,"<=",10]}]}}', false],
      ['numeric on a string value', '{"detail":{"state":[{"numeric":[">",0]}]}}', false],
      ['exists true', '{"detail":{"state":[{"exists":true}]}}', true],
      ['exists true on a missing field', '{"detail":{"nope":[{"exists":true}]}}', false],
      ['exists false on a missing field', '{"detail":{"nope":[{"exists":false}]}}', true],
      ['exists false on a present field', '{"detail":{"state":[{"exists":false}]}}', false],
      ['cidr containing the address', '{"detail":{"source-ip":[{"cidr":"10.0.0.0/24"}]}}', true],
      ['cidr not containing it', '{"detail":{"source-ip":[{"cidr":"10.0.1.0/24"}]}}', false],
      [
        'wildcard',
        '{"detail":{"EventBusArn":[{"wildcard":"arn:aws:events:us-east-1:*:event-bus/*"}]}}',
        true,
      ],
      [
        'wildcard that does not match',
        '{"detail":{"EventBusArn":[{"wildcard":"arn:aws:events:us-west-2:*"}]}}',
        false,
      ],
      ['anything-but a wildcard', '{"detail":{"FileName":[{"anything-but":{"wildcard":"*/lib/*"}}]}}', true],
      [
        '$or with one true branch',
        '{"detail":{"$or":[{"c-count":[{"numeric":[">",10]}]},{"d-count":[{"numeric":["<",10]}]}]}}',
        true,
      ],
      [
        '$or with no true branch',
        '{"detail":{"$or":[{"c-count":[{"numeric":[">",10]}]},{"state":["running"]}]}}',
        false,
      ],
      [
        '$or across top-level fields',
        '{"$or":[{"source":["aws.s3"]},{"detail-type":["EC2 Instance State-change Notification"]}]}',
        true,
      ],
    ])('%s', (_, pattern, expected) => {
      // Act
      const result = matches(pattern);

      // Assess
      expect(result).toBe(expected);
    });

    it('matches the documented complex example and stops matching when one condition fails', () => {
      // Prepare
      const pattern =
        '{"time":[{"prefix":"2017-10-02"}],"detail":{"state":[{"anything-but":"initializing"}],' +
        '"c-count":[{"numeric":[">",0,"<=",5]}],"d-count":[{"numeric":["<",10]}],"x-limit":[{"anything-but":[100,200,300]}]}}';
      const initializing = { ...ec2Event, detail: { ...ec2Event.detail, state: 'initializing' } };

      // Act
      const results = [matches(pattern), matches(pattern, initializing)];

      // Assess
      expect(results).toEqual([true, false]);
    });

    it('treats a wildcard escape as a literal star', () => {
      // Prepare
      const pattern: EventPattern = { name: [{ wildcard: 'a\\*b' }] };

      // Act
      const results = [
        matchesEventPattern(pattern, { name: 'a*b' }),
        matchesEventPattern(pattern, { name: 'axxb' }),
      ];

      // Assess
      expect(results).toEqual([true, false]);
    });
  });

  describe('the BigCommerce rule', () => {
    it('matches a BigCommerce event by detail-type and scope prefix', () => {
      // Prepare
      const pattern =
        '{"detail-type":["bigCommerceWebhook"],"detail":{"scope":[{"prefix":"store/category/"}]}}';
      const event = { 'detail-type': 'bigCommerceWebhook', detail: { scope: 'store/category/updated' } };
      const other = { 'detail-type': 'bigCommerceWebhook', detail: { scope: 'store/order/created' } };

      // Act
      const results = [matches(pattern, event), matches(pattern, other)];

      // Assess
      expect(results).toEqual([true, false]);
    });
  });
});

describe('Function: parseEventPattern', () => {
  it.each([
    ['malformed JSON', '{"source": ['],
    ['a pattern that is not an object', '["aws.ec2"]'],
    ['an empty pattern', '{}'],
    ['a bare value instead of a list', '{"source":"aws.ec2"}'],
    ['an empty nested object', '{"detail":{}}'],
    ['an unknown operator', '{"source":[{"regex":"aws.*"}]}'],
    ['two operators in one matcher', '{"source":[{"prefix":"a","suffix":"b"}]}'],
    ['a non-string prefix', '{"source":[{"prefix":1}]}'],
    ['a numeric range upside down', '{"n":[{"numeric":[">",10,"<",5]}]}'],
    ['a numeric value that is not a number', '{"n":[{"numeric":[">","5"]}]}'],
    ['an exists that is not a boolean', '{"n":[{"exists":"yes"}]}'],
    ['a bad cidr', '{"ip":[{"cidr":"10.0.0.300/24"}]}'],
    ['consecutive wildcards', '{"f":[{"wildcard":"a**b"}]}'],
    ['anything-but with a mixed list', '{"f":[{"anything-but":["a",1]}]}'],
    ['$or with one branch', '{"$or":[{"source":["a"]}]}'],
    ['a nested list inside a list', '{"source":[["aws.ec2"]]}'],
  ])('rejects %s', (_, json) => {
    // Act
    const parse = () => parseEventPattern(json);

    // Assess
    expect(parse).toThrow(InvalidEventPatternError);
    expect(parse).toThrow(/^Event pattern is not valid\. Reason: /);
  });

  it('returns the parsed pattern when it is valid', () => {
    // Act
    const pattern = parseEventPattern(
      '{"detail-type":["bigCommerceWebhook"],"detail":{"n":[{"numeric":[">=",1]}]}}',
    );

    // Assess
    expect(pattern).toEqual({
      'detail-type': ['bigCommerceWebhook'],
      detail: { n: [{ numeric: ['>=', 1] }] },
    });
  });
});
