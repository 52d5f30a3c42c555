/**
 * Evaluation of an SQS queue's resource policy for one request, as IAM evaluates it: an explicit Deny wins,
 * then any Allow, and with neither the request is implicitly denied. Pure: the caller reads the policy.
 * Supported: Principal (`*`, `{"AWS": "*"}`, `{"Service": ...}`), Action and Resource with `*` / `?`
 * wildcards, and the condition operators a queue policy for EventBridge uses (String*, Arn*, Null, each
 * with `IfExists`). A policy this module cannot evaluate (another operator, set operators) refuses, so an
 * unsupported policy never passes offline by accident.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 */

/** Who asks to do what to which resource, with the request's condition keys (e.g. `aws:SourceArn`). */
export interface PolicyRequest {
  /** A service principal, e.g. `events.amazonaws.com`. */
  service: string;
  action: string;
  resource: string;
  context: Readonly<Record<string, string>>;
}

/** Whether the policy admits the request, and why, in words for a journal or a DLQ's ERROR_MESSAGE. */
export type PolicyDecision =
  | { allowed: true; reason: string }
  | { allowed: false; reason: string; explicit: boolean };

interface Statement {
  Sid?: unknown;
  Effect?: unknown;
  Principal?: unknown;
  Action?: unknown;
  Resource?: unknown;
  Condition?: unknown;
}

class UnsupportedPolicy extends Error {}

const list = (value: unknown): unknown[] =>
  Array.isArray(value) ? value : value === undefined ? [] : [value];

const strings = (value: unknown): string[] =>
  list(value).filter((item): item is string => typeof item === 'string');

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const escapeRegExp = (text: string) => text.replace(/[.+^${}()|[\]\\]/g, '\\$&');

/** IAM's wildcard match: `*` any run of characters, `?` exactly one; nothing else is special. */
export const wildcardMatch = (pattern: string, value: string, ignoreCase = false): boolean =>
  new RegExp(
    `^${escapeRegExp(pattern).replace(/\*/g, '.*').replace(/\?/g, '.')}$`,
    ignoreCase ? 'is' : 's',
  ).test(value);

/** The six components of an ARN: the resource part keeps its own colons. */
const arnParts = (arn: string): string[] | undefined => {
  const parts = arn.split(':');
  return parts.length < 6 ? undefined : [...parts.slice(0, 5), parts.slice(5).join(':')];
};

/**
 * ArnLike (and ArnEquals, which AWS evaluates the same way): each of the six colon-separated components
 * is matched on its own, so a wildcard never spans a colon.
 */
export const arnMatch = (pattern: string, arn: string): boolean => {
  const [patternParts, arnValues] = [arnParts(pattern), arnParts(arn)];
  if (patternParts === undefined || arnValues === undefined) return false;
  return patternParts.every((part, index) => wildcardMatch(part, arnValues[index] ?? ''));
};

const principalMatches = (principal: unknown, service: string): boolean => {
  if (principal === '*') return true;
  if (!isRecord(principal)) return false;
  return strings(principal.AWS).includes('*') || strings(principal.Service).includes(service);
};

const actionMatches = (actions: unknown, action: string): boolean =>
  strings(actions).some((pattern) => wildcardMatch(pattern, action, true));

const resourceMatches = (resources: unknown, resource: string): boolean =>
  strings(resources).some((pattern) => pattern === '*' || arnMatch(pattern, resource));

type Operator = (patterns: string[], value: string) => boolean;

const POSITIVE: Record<string, Operator> = {
  StringEquals: (patterns, value) => patterns.includes(value),
  StringEqualsIgnoreCase: (patterns, value) =>
    patterns.some((pattern) => pattern.toLowerCase() === value.toLowerCase()),
  StringLike: (patterns, value) => patterns.some((pattern) => wildcardMatch(pattern, value)),
  ArnEquals: (patterns, value) => patterns.some((pattern) => arnMatch(pattern, value)),
  ArnLike: (patterns, value) => patterns.some((pattern) => arnMatch(pattern, value)),
};

const NEGATED: Record<string, string> = {
  StringNotEquals: 'StringEquals',
  StringNotEqualsIgnoreCase: 'StringEqualsIgnoreCase',
  StringNotLike: 'StringLike',
  ArnNotEquals: 'ArnEquals',
  ArnNotLike: 'ArnLike',
};

/** One operator's block (`{"aws:SourceArn": [...]}`): every key must hold (AND), any value may (OR). */
const operatorHolds = (name: string, block: unknown, context: Readonly<Record<string, string>>): boolean => {
  if (!isRecord(block)) throw new UnsupportedPolicy(`condition ${name} is not a map of keys`);
  const ifExists = name.endsWith('IfExists');
  const base = ifExists ? name.slice(0, -'IfExists'.length) : name;
  return Object.entries(block).every(([key, expected]) => {
    // Condition key names are case-insensitive.
    const found = Object.entries(context).find(([name]) => name.toLowerCase() === key.toLowerCase());
    const value = found?.[1];
    if (base === 'Null') return strings(expected).includes(value === undefined ? 'true' : 'false');
    const patterns = strings(expected);
    const positive = POSITIVE[base];
    if (positive !== undefined) return value === undefined ? ifExists : positive(patterns, value);
    const negatedOf = NEGATED[base];
    const negated = negatedOf === undefined ? undefined : POSITIVE[negatedOf];
    // A negated operator holds for a key the request does not carry.
    if (negated !== undefined) return value === undefined ? true : !negated(patterns, value);
    throw new UnsupportedPolicy(`condition operator ${name} is not emulated`);
  });
};

const conditionsHold = (condition: unknown, context: Readonly<Record<string, string>>): boolean => {
  if (condition === undefined) return true;
  if (!isRecord(condition)) throw new UnsupportedPolicy('Condition is not a map of operators');
  return Object.entries(condition).every(([name, block]) => operatorHolds(name, block, context));
};

const applies = (statement: Statement, request: PolicyRequest): boolean =>
  principalMatches(statement.Principal, request.service) &&
  actionMatches(statement.Action, request.action) &&
  resourceMatches(statement.Resource, request.resource) &&
  conditionsHold(statement.Condition, request.context);

const named = (statement: Statement, index: number) =>
  typeof statement.Sid === 'string' && statement.Sid !== '' ? statement.Sid : `#${index + 1}`;

/** Decides whether `policy` (a queue's `Policy` attribute, JSON; absent for none) admits `request`. */
export const evaluatePolicy = (policy: string | undefined, request: PolicyRequest): PolicyDecision => {
  const source = request.context['aws:SourceArn'];
  const asked = `${request.service} may not ${request.action} on ${request.resource}`;
  const who = source === undefined ? asked : `${asked} for ${source}`;
  if (policy === undefined || policy === '')
    return { allowed: false, explicit: false, reason: `${who}: the queue has no policy` };
  let statements: Statement[];
  try {
    const document: unknown = JSON.parse(policy);
    statements = (isRecord(document) ? list(document.Statement) : []).filter(isRecord);
  } catch {
    return { allowed: false, explicit: false, reason: `${who}: the queue policy is not JSON` };
  }
  try {
    const matching = statements
      .map((statement, index) => ({ statement, index }))
      .filter(({ statement }) => applies(statement, request));
    const deny = matching.find(({ statement }) => statement.Effect === 'Deny');
    if (deny !== undefined)
      return {
        allowed: false,
        explicit: true,
        reason: `${who}: denied by statement ${named(deny.statement, deny.index)}`,
      };
    const allow = matching.find(({ statement }) => statement.Effect === 'Allow');
    if (allow !== undefined)
      return { allowed: true, reason: `allowed by statement ${named(allow.statement, allow.index)}` };
    return { allowed: false, explicit: false, reason: `${who}: no statement of the queue policy allows it` };
  } catch (error) {
    if (!(error instanceof UnsupportedPolicy)) throw error;
    return { allowed: false, explicit: false, reason: `${who}: ${error.message}` };
  }
};
