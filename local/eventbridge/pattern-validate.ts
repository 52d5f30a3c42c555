/**
 * Validation of EventBridge event patterns, so PutRule rejects what AWS rejects with
 * InvalidEventPatternException instead of storing a rule that can never match.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
 */
import { type EventPattern, parseIpv4 } from './pattern.js';

/** Thrown for a pattern EventBridge would refuse; the message follows AWS's "Event pattern is not valid." form. */
export class InvalidEventPatternError extends Error {
  override readonly name = 'InvalidEventPatternError';
  constructor(reason: string) {
    super(`Event pattern is not valid. Reason: ${reason}`);
  }
}

type JsonObject = Readonly<Record<string, unknown>>;

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isStringOrNumber = (value: unknown): value is string | number =>
  typeof value === 'string' || typeof value === 'number';

/** Parses and validates an EventPattern JSON string, throwing {@link InvalidEventPatternError} when AWS would. */
export const parseEventPattern = (json: string): EventPattern => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new InvalidEventPatternError(error instanceof Error ? error.message : 'malformed JSON');
  }
  if (!isObject(parsed)) throw new InvalidEventPatternError('Filter is not an object');
  checkObject(parsed, '');
  return parsed as EventPattern;
};

const checkObject = (pattern: JsonObject, path: string): void => {
  const entries = Object.entries(pattern);
  if (entries.length === 0) throw new InvalidEventPatternError(`Empty objects are not allowed${at(path)}`);
  for (const [field, node] of entries) {
    const fieldPath = path === '' ? field : `${path}.${field}`;
    if (field === '$or') checkOr(node, fieldPath);
    else if (Array.isArray(node)) {
      for (const matcher of node) checkMatcher(matcher, fieldPath);
    } else if (isObject(node)) checkObject(node, fieldPath);
    else throw new InvalidEventPatternError(`"${fieldPath}" must be an object or an array`);
  }
};

const at = (path: string): string => (path === '' ? '' : ` at "${path}"`);

const checkOr = (node: unknown, path: string): void => {
  if (!Array.isArray(node) || node.length < 2 || !node.every(isObject)) {
    throw new InvalidEventPatternError(`"${path}" must be an array of at least two objects`);
  }
  for (const alternative of node) checkObject(alternative, path);
};

const checkMatcher = (matcher: unknown, path: string): void => {
  if (matcher === null || ['string', 'number', 'boolean'].includes(typeof matcher)) return;
  if (!isObject(matcher)) {
    throw new InvalidEventPatternError(`Match value must be String, number, true, false, or null${at(path)}`);
  }
  const entries = Object.entries(matcher);
  const [operator, operand] = entries[0] ?? [];
  if (entries.length !== 1 || operator === undefined) {
    throw new InvalidEventPatternError(`A match expression must have exactly one operator${at(path)}`);
  }
  const check = OPERAND_CHECKS[operator];
  if (check === undefined)
    throw new InvalidEventPatternError(`Unrecognized match type ${operator}${at(path)}`);
  const problem = check(operand);
  if (problem !== undefined) throw new InvalidEventPatternError(`${operator}: ${problem}${at(path)}`);
};

type OperandCheck = (operand: unknown) => string | undefined;

const stringOrIgnoreCase: OperandCheck = (operand) => {
  if (typeof operand === 'string') return undefined;
  if (
    isObject(operand) &&
    Object.keys(operand).length === 1 &&
    typeof operand['equals-ignore-case'] === 'string'
  ) {
    return undefined;
  }
  return 'must be a string or { "equals-ignore-case": string }';
};

const wildcard: OperandCheck = (operand) => {
  if (typeof operand !== 'string') return 'must be a string';
  return operand.includes('**') ? 'consecutive wildcard characters are not allowed' : undefined;
};

const stringOrStrings = (operand: unknown): boolean =>
  typeof operand === 'string' ||
  (Array.isArray(operand) && operand.length > 0 && operand.every((item) => typeof item === 'string'));

const anythingBut: OperandCheck = (operand) => {
  if (isStringOrNumber(operand)) return undefined;
  if (Array.isArray(operand)) {
    const homogeneous =
      operand.every((item) => typeof item === 'string') || operand.every((item) => typeof item === 'number');
    return operand.length > 0 && homogeneous ? undefined : 'a list must hold only strings or only numbers';
  }
  if (!isObject(operand)) return 'must be a string, a number, a list, or an object';
  const [operator, inner] = Object.entries(operand)[0] ?? [];
  if (Object.keys(operand).length !== 1) return 'must have exactly one inner operator';
  if (operator === 'prefix' || operator === 'suffix') {
    return typeof inner === 'string' ? undefined : `${operator} must be a string`;
  }
  if (operator === 'equals-ignore-case' || operator === 'wildcard') {
    if (operator === 'wildcard' && asList(inner).some((item) => item.includes('**'))) {
      return 'consecutive wildcard characters are not allowed';
    }
    return stringOrStrings(inner) ? undefined : `${operator} must be a string or a list of strings`;
  }
  return `unsupported inner operator ${String(operator)}`;
};

const asList = (value: unknown): string[] =>
  (Array.isArray(value) ? value : [value]).filter((item): item is string => typeof item === 'string');

const LOWER = new Set(['>', '>=']);
const UPPER = new Set(['<', '<=']);

const numeric: OperandCheck = (operand) => {
  if (!Array.isArray(operand) || operand.length === 0 || operand.length % 2 !== 0 || operand.length > 4) {
    return 'must be one or two [operator, number] pairs';
  }
  const [first, firstValue, second, secondValue] = operand;
  if (typeof firstValue !== 'number' || (second !== undefined && typeof secondValue !== 'number')) {
    return 'values must be numbers';
  }
  if (second === undefined) {
    return ['=', ...LOWER, ...UPPER].includes(String(first)) ? undefined : `unrecognized operator ${first}`;
  }
  if (!LOWER.has(String(first)) || !UPPER.has(String(second))) {
    return 'a range must be a lower bound (>, >=) followed by an upper bound (<, <=)';
  }
  return typeof secondValue === 'number' && firstValue < secondValue
    ? undefined
    : 'bottom must be less than top';
};

const cidr: OperandCheck = (operand) => {
  if (typeof operand !== 'string') return 'must be a string';
  const [base = '', bits, ...rest] = operand.split('/');
  const validBits = bits !== undefined && /^\d{1,2}$/.test(bits) && Number(bits) <= 32;
  return rest.length === 0 && validBits && parseIpv4(base) !== undefined
    ? undefined
    : 'not a valid IPv4 CIDR';
};

const OPERAND_CHECKS: Readonly<Record<string, OperandCheck>> = {
  prefix: stringOrIgnoreCase,
  suffix: stringOrIgnoreCase,
  'equals-ignore-case': (operand) => (typeof operand === 'string' ? undefined : 'must be a string'),
  wildcard,
  'anything-but': anythingBut,
  numeric,
  cidr,
  exists: (operand) => (typeof operand === 'boolean' ? undefined : 'must be true or false'),
};
