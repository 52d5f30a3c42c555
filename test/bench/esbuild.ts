import { type BuildOptions, build } from 'esbuild';

/**
 * The esbuild options of serverless.yml's `custom.esbuild`, for bundles the bench builds itself (the empty
 * handler, the Powertools peer, the memory child). Keep in step with serverless.yml; the consume and
 * provision bundles come from `serverless package` itself.
 */
export const lambdaBuildOptions: BuildOptions = {
  bundle: true,
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  legalComments: 'none',
  target: 'node20',
  platform: 'node',
  format: 'cjs',
  external: ['@aws-sdk/client-*'],
};

/** Bundles `entry` to `outfile` (a `.cjs`) the way serverless-esbuild bundles a function. */
export const bundleLike = async (entry: string, outfile: string): Promise<void> => {
  await build({ ...lambdaBuildOptions, entryPoints: [entry], outfile, logLevel: 'silent' });
};

/**
 * Bundles a bench child script (top-level await, so ESM) with the function's other options: the consumer
 * is measured as the bundle Lambda runs, not as tsx's per-file transpilation.
 */
export const bundleScript = async (entry: string, outfile: string): Promise<void> => {
  await build({
    ...lambdaBuildOptions,
    format: 'esm',
    entryPoints: [entry],
    outfile,
    logLevel: 'silent',
    // CommonJS dependencies inside an ESM bundle still call require.
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
  });
};
