import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * Runs `code` in a fresh Node process, as a Lambda runs a bundle: this test process has classic zod
 * loaded (it sets English messages globally), so only a process of its own shows what the functions say.
 */
const inFreshProcess = async (code: string) =>
  (
    await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
      cwd: root,
    })
  ).stdout;

describe('Validation messages', () => {
  it("reject a record's data naming what was expected, as classic zod words it, with zod/mini alone", async () => {
    // Act
    const out = await inFreshProcess(`
      import { dataValidatorOf } from './shared/bigcommerce/validate.ts';
      const result = dataValidatorOf('store/order/created').safeParse({ type: 'order', id: 'x' });
      console.log(JSON.stringify(result.error.issues.map((issue) => issue.message)));
    `);

    // Assess
    expect(JSON.parse(out)).toEqual(['Invalid input: expected number, received string']);
  });

  it('reject a provision request field the same way', async () => {
    // Act
    const out = await inFreshProcess(`
      import { ProvisionRequestSchema } from './functions/provision/schemas.ts';
      const result = ProvisionRequestSchema.safeParse({ storeHash: 'k7q2m9x4p1', dryRun: 'yes' });
      console.log(JSON.stringify(result.error.issues.map((issue) => issue.message)));
    `);

    // Assess
    expect(JSON.parse(out)).toEqual(['Invalid input: expected boolean, received string']);
  });
});
