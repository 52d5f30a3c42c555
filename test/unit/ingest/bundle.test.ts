import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { lambdaBuildOptions } from '../../bench/esbuild.js';

/** The ingest bundle as serverless-esbuild builds it (serverless.yml's options), in memory. */
const bundle = async () => {
  const result = await build({
    ...lambdaBuildOptions,
    mainFields: ['module', 'main'],
    entryPoints: [new URL('../../../functions/ingest/handler.ts', import.meta.url).pathname],
    outfile: 'ingest.cjs',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const code = result.outputFiles.find((file) => file.path.endsWith('.cjs'));
  return { bytes: code?.contents.length ?? 0, inputs: Object.keys(result.metafile.inputs) };
};

describe('Bundle: ingest', () => {
  it("carries none of the consumer's or provision's code, and stays small", async () => {
    // Act
    const { bytes, inputs } = await bundle();

    // Assess
    expect(inputs.some((input) => input.includes('functions/ingest/handler.ts'))).toBe(true);
    const foreign = inputs.filter((input) =>
      /(^|\/)(functions\/(consume|provision|reconcile)|shared\/(provisioning|dedupe|ops|bigcommerce\/(scopes|graphql|rest)))\//.test(
        input,
      ),
    );
    expect(foreign).toEqual([]);
    // zod/mini's English messages: without them a payload's issues read a bare "Invalid input".
    expect(inputs.some((input) => input.endsWith('shared/bigcommerce/messages.ts'))).toBe(true);
    // ~100 KB today (zod/mini, the logger, Parameters, standardwebhooks); the SDK clients come with Lambda.
    expect(bytes).toBeLessThan(150 * 1024);
  });
});
