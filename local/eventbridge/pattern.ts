/**
 * EventBridge event pattern matching, as a pure function over a parsed pattern and a parsed event.
 * The pattern is assumed valid (see `parseEventPattern` in pattern-validate.ts).
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
 */

/** A JSON scalar: the only kind of event value a leaf matcher compares against. */
export type Scalar = string | number | boolean | null;

/** A parsed event pattern: each field maps to a list of matchers, a nested pattern, or (`$or`) alternatives. */
export interface EventPattern {
  readonly [field: string]: readonly unknown[] | EventPattern;
}

type JsonObject = Readonly<Record<string, unknown>>;

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isScalar = (value: unknown): value is Scalar =>
  value === null || ['string', 'number', 'boolean'].includes(typeof value);

const asStrings = (value: unknown): string[] =>
  (Array.isArray(value) ? value : [value]).filter((item): item is string => typeof item === 'string');

/** True when `event` satisfies every field of `pattern` (fields are ANDed, list entries ORed). */
export const matchesEventPattern = (pattern: EventPattern, event: unknown): boolean =>
  matchesObject(pattern, event);

const matchesObject = (pattern: JsonObject, event: unknown): boolean =>
  Object.entries(pattern).every(([field, node]) =>
    field === '$or' && Array.isArray(node)
      ? node.some((alternative) => isObject(alternative) && matchesObject(alternative, event))
      : matchesField(node, isObject(event) ? event[field] : undefined),
  );

const matchesField = (node: unknown, value: unknown): boolean => {
  if (Array.isArray(node)) return matchesLeaf(node, value);
  if (!isObject(node)) return false;
  // An array of objects matches when one of its elements matches the whole nested pattern.
  if (Array.isArray(value) && value.some(isObject)) {
    return value.some((element) => isObject(element) && matchesObject(node, element));
  }
  return matchesObject(node, value);
};

const matchesLeaf = (matchers: readonly unknown[], value: unknown): boolean => {
  const leaves = (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter(isScalar);
  return matchers.some((matcher) => {
    if (isObject(matcher) && typeof matcher.exists === 'boolean') {
      return matcher.exists ? leaves.length > 0 : leaves.length === 0 && !isObject(value);
    }
    return leaves.some((leaf) => matchesScalar(matcher, leaf));
  });
};

const matchesScalar = (matcher: unknown, leaf: Scalar): boolean => {
  if (!isObject(matcher)) return isScalar(matcher) && leaf === matcher;
  const [operator, operand] = Object.entries(matcher)[0] ?? [];
  switch (operator) {
    case 'prefix':
      return typeof leaf === 'string' && matchesText(operand, leaf, (text, part) => text.startsWith(part));
    case 'suffix':
      return typeof leaf === 'string' && matchesText(operand, leaf, (text, part) => text.endsWith(part));
    case 'equals-ignore-case':
      return (
        typeof leaf === 'string' && asStrings(operand).some((s) => s.toLowerCase() === leaf.toLowerCase())
      );
    case 'wildcard':
      return typeof leaf === 'string' && asStrings(operand).some((w) => wildcardToRegExp(w).test(leaf));
    case 'anything-but':
      return matchesAnythingBut(operand, leaf);
    case 'numeric':
      return typeof leaf === 'number' && Array.isArray(operand) && matchesNumeric(operand, leaf);
    case 'cidr':
      return typeof leaf === 'string' && typeof operand === 'string' && matchesCidr(operand, leaf);
    default:
      return false;
  }
};

/** `prefix` and `suffix` take a string, or `{ "equals-ignore-case": string }`. */
const matchesText = (operand: unknown, text: string, test: (text: string, part: string) => boolean) => {
  if (typeof operand === 'string') return test(text, operand);
  const ignoreCase = isObject(operand) ? operand['equals-ignore-case'] : undefined;
  return typeof ignoreCase === 'string' && test(text.toLowerCase(), ignoreCase.toLowerCase());
};

const matchesAnythingBut = (operand: unknown, leaf: Scalar): boolean => {
  if (!isObject(operand)) {
    const excluded = Array.isArray(operand) ? operand : [operand];
    return !excluded.some((item) => item === leaf);
  }
  // The object forms (prefix, suffix, equals-ignore-case, wildcard) only ever match strings.
  return typeof leaf === 'string' && !matchesScalar(operand, leaf);
};

const NUMERIC_TESTS: Readonly<Record<string, (value: number, bound: number) => boolean>> = {
  '=': (value, bound) => value === bound,
  '<': (value, bound) => value < bound,
  '<=': (value, bound) => value <= bound,
  '>': (value, bound) => value > bound,
  '>=': (value, bound) => value >= bound,
};

const matchesNumeric = (conditions: readonly unknown[], value: number): boolean => {
  for (let index = 0; index < conditions.length; index += 2) {
    const test = NUMERIC_TESTS[String(conditions[index])];
    const bound = conditions[index + 1];
    if (test === undefined || typeof bound !== 'number' || !test(value, bound)) return false;
  }
  return true;
};

/** Turns an EventBridge wildcard (`*` = any run of characters, `\*` = a literal star) into an anchored RegExp. */
export const wildcardToRegExp = (wildcard: string): RegExp => {
  const parts = wildcard.split(/(\\\*|\*)/).map((part) => {
    if (part === '*') return '.*';
    if (part === '\\*') return '\\*';
    return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  });
  return new RegExp(`^${parts.join('')}$`, 's');
};

/** Parses a dotted-quad IPv4 address to an unsigned 32-bit number, or undefined. */
export const parseIpv4 = (text: string): number | undefined => {
  const octets = text.split('.');
  if (octets.length !== 4 || !octets.every((octet) => /^\d{1,3}$/.test(octet) && Number(octet) <= 255)) {
    return undefined;
  }
  return octets.reduce((sum, octet) => sum * 256 + Number(octet), 0);
};

const matchesCidr = (cidr: string, address: string): boolean => {
  const [base = '', bitsText = '32'] = cidr.split('/');
  const network = parseIpv4(base);
  const ip = parseIpv4(address);
  const bits = Number(bitsText);
  if (network === undefined || ip === undefined) return false;
  const size = 2 ** (32 - bits);
  return Math.floor(ip / size) === Math.floor(network / size);
};
