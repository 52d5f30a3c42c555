import { sourceStoreReader } from '../bigcommerce/envelope.js';

/** What a placeholder stands for. Each kind keeps its original's shape, so a redacted event still parses. */
export type PlaceholderKind = 'storeHash' | 'account' | 'uuid' | 'hex' | 'number' | 'email' | 'opaque';

interface Atom {
  kind: PlaceholderKind;
  original: string;
  placeholder?: string;
}

/**
 * Keys whose values identify a resource (`id`, `order_id`, `cartId`, `affected_product_ids`, `uuid`), except
 * channel ids (the scope names them too: `store/channel/1/...`) and order status ids (an enum).
 */
const ID_KEY = /(?:^|_)ids?$|[a-z]I[dD]s?$|^uuid$/;
const KEPT_ID_KEY = /^channel_?[iI]ds?$|status_?[iI]d$/;
const isIdKey = (key: string | undefined) => key !== undefined && ID_KEY.test(key) && !KEPT_ID_KEY.test(key);

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
/** SHA-1 (BigCommerce's `hash`) and any longer hex digest. */
const HEX = /(?<![0-9a-z])[0-9a-f]{32,}(?![0-9a-z])/gi;
const PRODUCER = /(?<![A-Za-z0-9])stores\/([A-Za-z0-9]+)/g;
const ARN_ACCOUNT = /arn:aws[a-z-]*:[a-z0-9-]*:[a-z0-9-]*:(\d{12})(?=:)/g;
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
/**
 * A partner event source name, `aws.partner/<partner domain>/<segments>/<event source name>`.
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutPartnerEventsRequestEntry.html
 */
const PARTNER_SOURCE = /aws\.partner\/[.\-_A-Za-z0-9]+((?:\/[.\-_A-Za-z0-9]+)+)/g;
/** The one middle segment of a partner source name that names no one (BigCommerce's example shows it). */
const KEPT_SEGMENTS = new Set(['test']);

const isUuid = (text: string) => new RegExp(`^${UUID.source}$`, 'i').test(text);
const isHex = (text: string) => new RegExp(`^${HEX.source}$`, 'i').test(text);

/** An atom this short is replaced only as a whole value under an id key, never inside other text. */
const inText = (atom: Atom) =>
  atom.kind === 'number' ? atom.original.length >= 6 : atom.original.length >= 3;

const withCaseOf = (original: string, placeholder: string) =>
  [...placeholder].map((c, i) => (/[A-Z]/.test(original[i] ?? '') ? c.toUpperCase() : c)).join('');

/** The `n`th placeholder of a kind, in the shape of `original`. */
const generate = (kind: PlaceholderKind, original: string, n: number): string => {
  const digits = String(n);
  switch (kind) {
    case 'storeHash':
      return `s${digits.padStart(Math.max(original.length - 1, 1), '0')}`;
    case 'account':
      return digits.padStart(12, '0');
    case 'uuid':
      return `00000000-0000-4000-8000-${digits.padStart(12, '0')}`;
    case 'hex':
      return digits.padStart(original.length, '0');
    case 'number':
      // Same number of digits where there is room (1..9, 10..99, ...), so a schema's range checks still pass.
      if (original.startsWith('0')) return digits.padStart(original.length, '0');
      return String((original.length === 1 ? 0 : 10 ** (original.length - 1)) + n);
    case 'email':
      return `user${digits}@example.com`;
    case 'opaque': {
      const shape = [...original].map((c) =>
        /[0-9]/.test(c) ? '0' : /[a-z]/.test(c) ? 'x' : /[A-Z]/.test(c) ? 'X' : c,
      );
      const alnum = shape.flatMap((c, i) => (/[0-9A-Za-z]/.test(c) ? [i] : []));
      for (const [k, d] of [...digits].reverse().entries()) {
        const at = alnum[alnum.length - 1 - k];
        if (at !== undefined) shape[at] = d;
      }
      return shape.join('');
    }
  }
};

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/**
 * Redacts the identifying values of captured messages consistently within one run: an original value always
 * gets the same placeholder (so a store hash in `producer`, in `source` and in an ARN stays one store, and
 * two events of one order stay one order), and each placeholder keeps its original's shape. Learn every
 * message first, then redact: a value learned from one field is replaced in every other field and message.
 *
 * `eventSourceNamePrefix` is the consumer's EVENT_SOURCE_NAME_PREFIX, to read the store a source is named for.
 */
export const createRedactor = (options: { eventSourceNamePrefix: string }) => {
  const atoms = new Map<string, Atom>();
  const counters = new Map<PlaceholderKind, number>();
  const taken = new Set<string>();
  const sourceStoreOf = sourceStoreReader(options.eventSourceNamePrefix);
  let pattern: RegExp | undefined;

  const add = (kind: PlaceholderKind, original: string) => {
    if (original === '' || /^0+$/.test(original)) return;
    const key = original.toLowerCase();
    if (!atoms.has(key)) atoms.set(key, { kind, original });
    pattern = undefined;
  };

  /** A value under an id key, of the kind its shape says. */
  const addId = (value: string) => {
    if (/^\d+$/.test(value)) add('number', value);
    else if (isUuid(value)) add('uuid', value);
    else if (isHex(value)) add('hex', value);
    else add('opaque', value);
  };

  const learnText = (text: string) => {
    for (const [match] of text.matchAll(UUID)) add('uuid', match);
    for (const [match] of text.matchAll(HEX)) add('hex', match);
    for (const [, hash = ''] of text.matchAll(PRODUCER)) add('storeHash', hash);
    for (const [, account = ''] of text.matchAll(ARN_ACCOUNT)) add('account', account);
    for (const [match] of text.matchAll(EMAIL)) add('email', match);
    for (const [source, path = ''] of text.matchAll(PARTNER_SOURCE)) {
      const segments = path.slice(1).split('/');
      const name = segments.pop() ?? '';
      for (const segment of segments) if (!KEPT_SEGMENTS.has(segment)) addId(segment);
      const store = sourceStoreOf(source);
      // A custom event source name may name its owner: it goes whole.
      if (store === undefined) add('opaque', name);
      else add('storeHash', store);
    }
  };

  const learn = (value: unknown, key?: string): void => {
    if (typeof value === 'string') {
      if (key === 'account' && /^\d{12}$/.test(value)) add('account', value);
      if (key === 'store_hash' || key === 'storeHash') add('storeHash', value);
      if (isIdKey(key)) addId(value);
      learnText(value);
    } else if (typeof value === 'number') {
      if (isIdKey(key) && Number.isInteger(value)) add('number', String(Math.abs(value)));
    } else if (Array.isArray(value)) {
      for (const item of value) learn(item, key);
    } else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) learn(v, k);
    }
  };

  const placeholderOf = (atom: Atom): string => {
    if (atom.placeholder === undefined) {
      let n = counters.get(atom.kind) ?? 0;
      let candidate: string;
      do {
        n += 1;
        candidate = generate(atom.kind, atom.original, n);
      } while (atoms.has(candidate.toLowerCase()) || taken.has(candidate.toLowerCase()));
      counters.set(atom.kind, n);
      taken.add(candidate.toLowerCase());
      atom.placeholder = candidate;
    }
    return atom.placeholder;
  };

  /** A store hash's placeholder takes the case of each occurrence: the consumer compares store hashes in lower case. */
  const substitute = (match: string, atom: Atom) =>
    atom.kind === 'storeHash' ? withCaseOf(match, placeholderOf(atom)) : placeholderOf(atom);

  const replace = (match: string) => {
    const atom = atoms.get(match.toLowerCase());
    return atom ? substitute(match, atom) : match;
  };

  /** Every learned value inside `text`, each between non-alphanumerics, replaced by its placeholder. */
  const text = (value: string): string => {
    if (!pattern) {
      const alternatives = [...atoms.values()]
        .filter(inText)
        .map((atom) => atom.original)
        .sort((a, b) => b.length - a.length)
        .map(escapeRegExp);
      pattern =
        alternatives.length === 0
          ? /(?!)/g
          : new RegExp(`(?<![A-Za-z0-9])(?:${alternatives.join('|')})(?![A-Za-z0-9])`, 'gi');
    }
    return value.replace(pattern, replace);
  };

  const redact = (value: unknown, key?: string): unknown => {
    if (typeof value === 'string') {
      const atom = isIdKey(key) ? atoms.get(value.toLowerCase()) : undefined;
      return atom ? substitute(value, atom) : text(value);
    }
    if (typeof value === 'number') {
      const atom = isIdKey(key) && Number.isInteger(value) ? atoms.get(String(Math.abs(value))) : undefined;
      return atom ? Math.sign(value) * Number(placeholderOf(atom)) : value;
    }
    if (Array.isArray(value)) return value.map((item) => redact(item, key));
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [text(k), redact(v, k)]));
    }
    return value;
  };

  return {
    /** Pass 1: remembers the identifying values of a JSON value (a body, a message's fields). */
    learn: (value: unknown) => learn(value),
    /** Pass 1: remembers a value that identifies as a whole (an SQS message id, a sender id). */
    learnId: (value: string) => addId(value),
    /** Pass 2: an id as a whole (an SQS message id), or as free text when it was never learned. */
    id: (value: string): string => redact(value, 'id') as string,
    /** Pass 2: a copy of a JSON value with every learned value replaced; shapes and types kept. */
    redact: <T>(value: T): T => redact(value) as T,
    /** Pass 2: free text (a body that is not JSON, a verdict's detail) with every learned value replaced. */
    text,
    /** The placeholders handed out, by kind (no original values). */
    placeholders: (): Partial<Record<PlaceholderKind, string[]>> => {
      const used: Partial<Record<PlaceholderKind, string[]>> = {};
      for (const atom of atoms.values()) {
        if (atom.placeholder !== undefined) used[atom.kind] = [...(used[atom.kind] ?? []), atom.placeholder];
      }
      return used;
    },
  };
};

export type Redactor = ReturnType<typeof createRedactor>;
