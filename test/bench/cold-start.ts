import { execFile, spawn } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startDynalite } from '../helpers/dynalite.js';
import { bundleLike } from './esbuild.js';
import { progress, type Sample, summarize } from './stats.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const run = promisify(execFile);

export interface ColdStartFigures {
  consume_bundle_bytes: number;
  consume_first_invoke_ms: number;
  empty_first_invoke_ms: number;
  provision_bundle_bytes: number;
  empty_bundle_bytes: number;
  samples: { consume: Sample; empty: Sample };
}

/**
 * Runs `serverless package` on a copy of the service (sources, config, a link to node_modules) so that its
 * `.esbuild` work folder cannot collide with another package run in the repository, and unzips each
 * function's artifact. Returns the unpacked folder of each function.
 */
const packageService = async (workDir: string): Promise<Record<string, string>> => {
  const service = join(workDir, 'service');
  mkdirSync(service);
  for (const entry of ['serverless.yml', 'package.json', 'tsconfig.json', 'functions', 'shared']) {
    cpSync(join(ROOT, entry), join(service, entry), { recursive: true });
  }
  symlinkSync(join(ROOT, 'node_modules'), join(service, 'node_modules'), 'dir');
  const out = join(workDir, 'package');
  // No credentials: packaging must work without an AWS account.
  const { AWS_ACCESS_KEY_ID: _key, AWS_SECRET_ACCESS_KEY: _secret, ...inherited } = process.env;
  await run('timeout', ['300', 'npx', 'serverless', 'package', '--package', out], {
    cwd: service,
    env: { ...inherited, SLS_TELEMETRY_DISABLED: '1' },
    maxBuffer: 16 * 1024 * 1024,
  });
  const unpacked: Record<string, string> = {};
  for (const zip of readdirSync(out).filter((name) => name.endsWith('.zip'))) {
    const name = zip.replace(/\.zip$/, '');
    unpacked[name] = join(workDir, 'unzipped', name);
    mkdirSync(unpacked[name], { recursive: true });
    await run('unzip', ['-q', '-o', join(out, zip), '-d', unpacked[name]]);
  }
  return unpacked;
};

/** The one `.cjs` (without its `.map`) under a function's unpacked artifact. */
const bundleIn = (dir: string): string => {
  const found: string[] = [];
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.cjs')) found.push(path);
    }
  };
  walk(dir);
  const [bundle, ...others] = found;
  if (!bundle || others.length > 0) throw new Error(`expected one .cjs in ${dir}, found ${found.length}`);
  return bundle;
};

// Loads the handler, invokes it once and prints the result; exits at once so open sockets do not count.
const RUNNER = `
const { handler } = require(process.env.BENCH_BUNDLE);
const event = JSON.parse(require('node:fs').readFileSync(process.env.BENCH_EVENT, 'utf8'));
const context = { functionName: 'bench', awsRequestId: 'bench', invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:bench', memoryLimitInMB: '512', getRemainingTimeInMillis: () => 30000 };
Promise.resolve(handler(event, context)).then((result) => {
  process.stdout.write('\\nBENCH_RESULT ' + JSON.stringify(result) + '\\n', () => process.exit(0));
}, (error) => { process.stderr.write(String(error && error.stack || error)); process.exit(1); });
`;

/** Milliseconds from spawning a fresh node process to reading the first invocation's result. */
const firstInvoke = (bundle: string, event: string, env: Record<string, string>) =>
  new Promise<{ ms: number; result: string }>((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, ['-e', RUNNER], {
      env: { ...process.env, ...env, BENCH_BUNDLE: bundle, BENCH_EVENT: event },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let done = false;
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((candidate) => candidate.startsWith('BENCH_RESULT '));
      if (line && !done) {
        done = true;
        resolve({ ms: Number(process.hrtime.bigint() - start) / 1e6, result: line.slice(13) });
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.on('exit', (code) => {
      if (!done) reject(new Error(`first invocation failed (exit ${code}): ${err || out}`));
    });
  });

/**
 * Bundle sizes as `serverless package` builds them, and the first invocation of consume (one-record SQS
 * event from events/consume, dedupe on a fresh table in an in-process dynalite reached over HTTP) beside an
 * empty handler bundled with the same esbuild options, each in a fresh node process per repetition.
 * Both run with NODE_OPTIONS=--enable-source-maps, as serverless.yml sets it for the functions.
 */
export const measureColdStart = async (workDir: string, reps: number): Promise<ColdStartFigures> => {
  progress('cold start: serverless package');
  const unpacked = await packageService(workDir);
  const consumeDir = unpacked.consume;
  const provisionDir = unpacked.provision;
  if (!consumeDir || !provisionDir) throw new Error(`serverless package made ${Object.keys(unpacked)}`);
  const consumeBundle = bundleIn(consumeDir);
  const provisionBundle = bundleIn(provisionDir);
  const emptyBundle = join(workDir, 'empty', 'handler.cjs');
  await bundleLike(new URL('./children/empty-handler.ts', import.meta.url).pathname, emptyBundle);

  const event = join(ROOT, 'events/consume/store-order-created.json');
  const common = {
    NODE_OPTIONS: '--enable-source-maps',
    // The @aws-sdk/client-* packages are left out of the bundle (the Lambda runtime provides them); here
    // node_modules does. The consume bundle needs none since dedupe calls DynamoDB without the SDK.
    NODE_PATH: join(ROOT, 'node_modules'),
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    POWERTOOLS_LOG_LEVEL: 'INFO',
  };
  const dynamo = await startDynalite();
  const consume: number[] = [];
  const empty: number[] = [];
  try {
    for (let rep = 0; rep < reps; rep += 1) {
      progress(`cold start: first invocation, rep ${rep + 1}/${reps}`);
      // Alternate, so drift on a shared machine hits both alike; a fresh table so each run is a first one.
      const table = await dynamo.createDedupeTable();
      const ours = await firstInvoke(consumeBundle, event, {
        ...common,
        DEDUPE_TABLE_NAME: table,
        AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      });
      if (ours.result !== '{"batchItemFailures":[]}') throw new Error(`consume answered ${ours.result}`);
      consume.push(ours.ms);
      empty.push((await firstInvoke(emptyBundle, event, common)).ms);
    }
  } finally {
    await dynamo.stop();
  }
  const consumeSample = summarize(consume);
  const emptySample = summarize(empty);
  return {
    consume_bundle_bytes: statSync(consumeBundle).size,
    consume_first_invoke_ms: Math.round(consumeSample.median * 10) / 10,
    empty_first_invoke_ms: Math.round(emptySample.median * 10) / 10,
    provision_bundle_bytes: statSync(provisionBundle).size,
    empty_bundle_bytes: statSync(emptyBundle).size,
    samples: { consume: consumeSample, empty: emptySample },
  };
};
