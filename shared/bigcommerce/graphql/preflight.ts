import {
  buildClientSchema,
  type GraphQLSchema,
  getIntrospectionQuery,
  type IntrospectionQuery,
  parse,
  validate,
} from 'graphql';
import * as z from 'zod/mini';
import { PermanentError } from '../../errors.js';
import { AccessRefusedError, type StoreApi, type StoreGraphQL, withDialect } from './client.js';
import { type Dialect, DOCUMENTED_DIALECT, dialectOf } from './dialect.js';
import { documentsToCheck } from './documents.js';

/** One reason a document provision would send does not fit the store's schema. */
export interface PreflightIssue {
  /** The document (its operation), e.g. `createEventBridgeWebhook`. */
  document: string;
  /** The schema's words: the type, and the field, argument or type it lacks, where the message names them. */
  type?: string;
  field?: string;
  argument?: string;
  message: string;
}

/** A document provision needs does not fit the store's schema and nothing could adapt it: no change was made. */
export class PreflightError extends PermanentError {
  override readonly name = 'PreflightError';
  constructor(readonly issues: PreflightIssue[]) {
    super(
      `the store's Admin GraphQL schema does not accept what provisioning sends: ${issues
        .map((issue) => `${issue.document}: ${issue.message}`)
        .join('; ')}`,
    );
  }
}

/** What the preflight found: the client bound to the store's dialect, and how it knows. */
export interface Preflight {
  api: StoreApi;
  /** `verified`: checked against the store's schema by introspection; `unverified`: the store refused it. */
  preflight: 'verified' | 'unverified';
  /** Each way the store's schema departs from the documented names, in words. */
  adaptations: string[];
}

/** What a preflight learnt of a store: its dialect, how it knows, and each document's problems. */
export interface PreflightFindings {
  dialect: Dialect;
  preflight: Preflight['preflight'];
  adaptations: string[];
  /** Problems of every document, by document name; a run fails only on those it may send. */
  issues: PreflightIssue[];
}

/** Preflights of warm containers, by store, for a bounded time (a store's schema can change). */
export interface PreflightCache {
  get(key: string): PreflightFindings | undefined;
  set(key: string, value: PreflightFindings): void;
}

/** A {@link PreflightCache} in memory whose entries live `ttlMs` (default 10 minutes). */
export const createPreflightCache = (ttlMs = 10 * 60_000, now: () => number = Date.now): PreflightCache => {
  const entries = new Map<string, { value: Parameters<PreflightCache['set']>[1]; until: number }>();
  return {
    get: (key) => {
      const entry = entries.get(key);
      if (!entry || entry.until < now()) return undefined;
      return entry.value;
    },
    set: (key, value) => {
      entries.set(key, { value, until: now() + ttlMs });
    },
  };
};

const ISSUE_PATTERNS: [RegExp, (match: RegExpExecArray) => Partial<PreflightIssue>][] = [
  [/Cannot query field "(\w+)" on type "(\w+)"/, (m) => ({ field: m[1], type: m[2] })],
  [/Unknown argument "(\w+)" on field "(\w+)\.(\w+)"/, (m) => ({ argument: m[1], type: m[2], field: m[3] })],
  [/Unknown type "(\w+)"/, (m) => ({ type: m[1] })],
  [/Field "(\w+)" of type "[^"]+" must have a selection/, (m) => ({ field: m[1] })],
];

const issueOf = (document: string, message: string): PreflightIssue => {
  for (const [pattern, read] of ISSUE_PATTERNS) {
    const match = pattern.exec(message);
    if (match) return { document, ...read(match), message };
  }
  return { document, message };
};

/** graphql-js and most servers: the message of a variable left out, which only a valid document reaches. */
const VARIABLE_NOT_PROVIDED =
  /^Variable "\$\w+" of (?:required|non-null) type "[^"]+" (?:was not provided|must not be null)/;

const IntrospectionSchema = z.looseObject({ __schema: z.unknown() });

/** The store's schema by introspection, or `undefined` when the store refuses introspection. */
const introspect = async (gql: StoreGraphQL): Promise<GraphQLSchema | undefined> => {
  try {
    const data = await gql.request(getIntrospectionQuery({ descriptions: false }), {}, IntrospectionSchema);
    return buildClientSchema(data as unknown as IntrospectionQuery);
  } catch (error) {
    // A bad token must stop the run as such; throttling and 5xx are for a retry. Anything else refused
    // the introspection itself (disabled, or an answer we cannot read).
    if (error instanceof AccessRefusedError || !(error instanceof PermanentError)) throw error;
    return undefined;
  }
};

/**
 * Checks, before a run sends anything that changes the store, that every document it may send fits the
 * store's own Admin GraphQL schema, and adapts them to it: the schema is fetched by introspection, the
 * dialect read from it ({@link dialectOf}), and each document validated with graphql-js. A store that
 * refuses introspection is probed instead: each document is sent once without variables (a server
 * validates a document before it coerces variables, so nothing runs), and the documented names are used.
 * A document that does not fit is a {@link PreflightError} listing every problem. Results are cached.
 * @see https://graphql.org/learn/introspection/
 */
export const preflight = async (
  gql: StoreGraphQL,
  options: { cache?: PreflightCache; key: string; documents?: readonly string[] },
): Promise<Preflight> => {
  let found = options.cache?.get(options.key);
  if (!found) {
    const schema = await introspect(gql);
    found = schema
      ? verify(schema)
      : {
          dialect: DOCUMENTED_DIALECT,
          preflight: 'unverified' as const,
          adaptations: [],
          issues: await probe(gql, DOCUMENTED_DIALECT),
        };
    options.cache?.set(options.key, found);
  }
  // A run is stopped only by the documents it may send: a teardown needs no createEventSource.
  const wanted = options.documents;
  const blocking = found.issues.filter((issue) => !wanted || wanted.includes(issue.document));
  if (blocking.length > 0) throw new PreflightError(blocking);
  return { api: withDialect(gql, found.dialect), preflight: found.preflight, adaptations: found.adaptations };
};

const verify = (schema: GraphQLSchema): PreflightFindings => {
  const { dialect, adaptations } = dialectOf(schema);
  const issues = Object.entries(documentsToCheck(dialect)).flatMap(([name, document]) =>
    validate(schema, parse(document)).map((error) => issueOf(name, error.message)),
  );
  return { dialect, preflight: 'verified', adaptations, issues };
};

const probe = async (gql: StoreGraphQL, dialect: Dialect): Promise<PreflightIssue[]> => {
  const issues: PreflightIssue[] = [];
  for (const [name, document] of Object.entries(documentsToCheck(dialect))) {
    const messages = await gql.probe(document);
    if (messages.length === 0) {
      // It ran: impossible for a document with a required variable, unless the server ignores them.
      issues.push({ document: name, message: 'the store ran the document without its variables' });
    }
    for (const message of messages.filter((m) => !VARIABLE_NOT_PROVIDED.test(m))) {
      issues.push(issueOf(name, message));
    }
  }
  return issues;
};
