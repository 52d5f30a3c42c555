import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CapturedFixtureSchema, recordOf } from '../../../shared/ops/fixture.js';
import { comparableVerdict, createJudge } from '../../../shared/ops/verdict.js';

const folder = new URL('../../../events/captured/', import.meta.url);
const files = readdirSync(folder)
  .filter((file) => file.endsWith('.json'))
  .sort();

/**
 * Every fixture `npm run capture` wrote to events/captured/ (sandbox-made and, once users send them, real
 * BigCommerce events) is judged again by the consumer as it is now. The verdict compared is the catalog's
 * (as if every scope had a handler): it does not move when a handler is registered, and it moves when the
 * envelope, the producer check or a scope's schema does, which is what a fixture is here to catch.
 */
describe('Function: consume, captured events (events/captured/)', () => {
  it('finds the captured fixtures', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files)('%s: the consumer still gives the verdict recorded at capture', async (file) => {
    // Prepare
    const fixture = CapturedFixtureSchema.parse(JSON.parse(readFileSync(new URL(file, folder), 'utf8')));
    const judge = createJudge({ eventSourceNamePrefix: fixture.eventSourceNamePrefix });

    // Act
    const { catalog } = await judge(recordOf(fixture));

    // Assess
    expect(
      comparableVerdict(catalog),
      `${file} (${fixture.origin}) gets another verdict than at capture: a regression, or a fix of the ` +
        'envelope or a schema; if it is a fix, record the new verdict in the fixture',
    ).toEqual(comparableVerdict(fixture.verdict.catalog));
  });
});
