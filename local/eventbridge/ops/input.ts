/**
 * Request parsing shared by the operations: zod schemas for the names AWS constrains, and pagination.
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_Operations.html
 */
import { z } from 'zod';
import { invalid } from '../errors.js';

/** `aws.partner/<partner>/<...>`, the pattern AWS requires of a partner event source name. */
export const PARTNER_SOURCE_NAME = /^aws\.partner(\/[.\-_A-Za-z0-9]+){2,}$/;

/** A partner event source name. */
export const SourceNameSchema = z
  .string()
  .max(256)
  .regex(PARTNER_SOURCE_NAME, 'not a partner event source name');
/** A bus name (custom or partner) as CreateEventBus and DeleteEventBus take it. */
export const BusNameSchema = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[/.\-_A-Za-z0-9]+$/, 'not a valid event bus name');
/** A bus name or ARN, as most operations accept it; omitted means the default bus. */
export const BusRefSchema = z.string().min(1).max(1600).optional();
/** A rule name. */
export const RuleNameSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[.\-_A-Za-z0-9]+$/, 'not a valid rule name');
/** A 12-digit AWS account id. */
export const AccountSchema = z.string().regex(/^\d{12}$/, 'not a 12-digit account id');
/** Tags as the API takes them: at most 50, keys 1-128 and values 0-256 characters, keys not `aws:`. */
export const TagsSchema = z
  .array(
    z.object({
      Key: z
        .string()
        .min(1)
        .max(128)
        .refine((key) => !key.toLowerCase().startsWith('aws:'), 'tag keys starting with aws: are reserved'),
      Value: z.string().max(256),
    }),
  )
  .max(50);

/** A tag list as a map by key (a later duplicate key wins, as AWS does). */
export const tagMapOf = (tags: z.infer<typeof TagsSchema> | undefined): Map<string, string> =>
  new Map((tags ?? []).map((tag) => [tag.Key, tag.Value]));

/** ListX paging: Limit 1-100 and an opaque NextToken. */
export const PagingSchema = z.object({
  NextToken: z.string().optional(),
  Limit: z.number().int().min(1).max(100).optional(),
});

/** Parses a request body with a schema, answering ValidationException naming each bad field. */
export const parseInput = <T extends z.ZodType>(schema: T, input: unknown): z.infer<T> => {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const details = result.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`);
  throw invalid(`${result.error.issues.length} validation error(s) detected: ${details.join('; ')}`);
};

/**
 * One page of `items` from the offset a NextToken encodes (at most Limit, and at most `maxPageSize`), and
 * the token of the next page, if any.
 */
export const paginate = <T>(
  items: readonly T[],
  { NextToken, Limit = 100 }: z.infer<typeof PagingSchema>,
  maxPageSize = 100,
): { page: T[]; nextToken?: string } => {
  const offset = NextToken === undefined ? 0 : Number(Buffer.from(NextToken, 'base64url').toString('utf8'));
  if (!Number.isInteger(offset) || offset < 0) throw invalid('The NextToken provided is invalid.');
  const end = offset + Math.min(Limit, maxPageSize);
  const page = items.slice(offset, end);
  return end < items.length ? { page, nextToken: Buffer.from(String(end)).toString('base64url') } : { page };
};

/** Epoch seconds, the JSON 1.1 wire form of a timestamp. */
export const epochSeconds = (date: Date): number => date.getTime() / 1000;
