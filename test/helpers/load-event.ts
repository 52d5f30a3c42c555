import { readFileSync } from 'node:fs';
import type { SQSEvent } from 'aws-lambda';

const root = new URL('../../events/', import.meta.url);

/** A fresh copy of a JSON event from events/<fn>/<name>.json, the same files `serverless invoke local` uses. */
export const loadEvent = <T = SQSEvent>(fn: string, name: string): T =>
  structuredClone(JSON.parse(readFileSync(new URL(`${fn}/${name}.json`, root), 'utf8')) as T);
