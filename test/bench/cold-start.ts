import { execFile, spawn } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { startDynalite } from '../helpers/dynalite.js';
import { bundleLike } from './esbuild.js';
import { pairRatios, progress, type Ratios, rotation, type Sample, summarize } from './stats.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const run = promisify(execFile);

export interface ColdStartFigures {
  consume_bundle_bytes: number;
  consume_first_invoke_ms: number;
  /** The Powertools peer's first invocation (children/peer-consume.ts), bundled like ours. */
  peer_first_invoke_ms: number;
  empty_first_invoke_ms: number;
  provision_bundle_bytes: number;
  peer_bundle_bytes: number;
  empty_bundle_bytes: number;
  /** Per repetition, ours over the peer and each of them over the empty handler. */
  ratios: { consume_vs_peer: Ratios; consume_vs_empty: Ratios; peer_vs_empty: Ratios };
  samples: { consume: Sample; peer: Sample; empty: Sample };
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

/**
 * Milliseconds from spawning a fresh node process to reading the first invocation's result, with what the
 * process logged before it (to say why, when the result is wrong).
 */
const firstInvoke = (bundle: string, event: string, env: Record<string, string>) =>
  new Promise<{ ms: number; result: string; logged: string }>((resolve, reject) => {
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
        resolve({
          ms: Number(process.hrtime.bigint() - start) / 1e6,
          result: line.slice(13),
          logged: out + err,
        });
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.on('exit', (code) => {
      if (!done) reject(new Error(`first invocation failed (exit ${code}): ${err || out}`));
    });
  });

type Contender = 'consume' | 'peer' | 'empty';
const CONTENDERS: readonly Contender[] = ['consume', 'peer', 'empty'];
const EMPTY_ANSWER = '{"batchItemFailures":[]}';

/**
 * Bundle sizes as `serverless package` builds them, and the first invocation of consume (the one-record SQS
 * store/category/updated event, whose handler only logs: the first invocation of a handler that never
 * fetches from BigCommerce), of the Powertools peer (children/peer-consume.ts, bundled with the same
 * esbuild options) and of an empty handler, each in a fresh node process. Each repetition runs the three
 * back to back, their order rotating, so its ratios are pairs a drift of the machine moves alike. Ours and
 * the peer each dedupe on a fresh table of the same layout in an in-process dynalite reached over HTTP,
 * and must answer no failures and leave exactly one COMPLETED record: a contender that skipped its table
 * would look fast. All run with the same environment (NODE_OPTIONS=--enable-source-maps, as serverless.yml
 * sets it; the standard AWS variables, AWS_ENDPOINT_URL_DYNAMODB among them).
 */
export const measureColdStart = async (workDir: string, reps: number): Promise<ColdStartFigures> => {
  progress('cold start: serverless package');
  const unpacked = await packageService(workDir);
  const consumeDir = unpacked.consume;
  const provisionDir = unpacked.provision;
  if (!consumeDir || !provisionDir) throw new Error(`serverless package made ${Object.keys(unpacked)}`);
  const bundles: Record<Contender, string> = {
    consume: bundleIn(consumeDir),
    peer: join(workDir, 'peer', 'handler.cjs'),
    empty: join(workDir, 'empty', 'handler.cjs'),
  };
  await bundleLike(new URL('./children/peer-consume.ts', import.meta.url).pathname, bundles.peer);
  await bundleLike(new URL('./children/empty-handler.ts', import.meta.url).pathname, bundles.empty);

  const event = join(ROOT, 'events/consume/store-category-updated.json');
  const dynamo = await startDynalite();
  const common = {
    NODE_OPTIONS: '--enable-source-maps',
    // The @aws-sdk/client-* packages are left out of the bundles (the Lambda runtime provides them); here
    // node_modules does.
    NODE_PATH: join(ROOT, 'node_modules'),
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    POWERTOOLS_LOG_LEVEL: 'INFO',
    // As serverless.yml sets it for consume: ours publishes its metrics on its first invocation too.
    POWERTOOLS_METRICS_NAMESPACE: 'BigCommerceWebhooksBench',
  };
  const invoke = async (contender: Contender): Promise<number> => {
    const table = await dynamo.createDedupeTable();
    const { ms, result, logged } = await firstInvoke(bundles[contender], event, {
      ...common,
      DEDUPE_TABLE_NAME: table,
    });
    if (result !== EMPTY_ANSWER)
      throw new Error(`${contender} answered ${result}; it logged:\n${logged.slice(-4000)}`);
    if (contender !== 'empty') {
      const { Items = [] } = await dynamo.client.send(new ScanCommand({ TableName: table }));
      const completed = Items.filter((item) => item.status?.S === 'COMPLETED');
      if (Items.length !== 1 || completed.length !== 1) {
        throw new Error(
          `${contender} left ${JSON.stringify(Items)} in its dedupe table, not one COMPLETED record`,
        );
      }
    }
    return ms;
  };
  const times: Record<Contender, number[]> = { consume: [], peer: [], empty: [] };
  try {
    // One unmeasured round first: the first process to read a module from disk would pay for the others.
    progress('cold start: warm-up round');
    for (const contender of CONTENDERS) await invoke(contender);
    for (let rep = 0; rep < reps; rep += 1) {
      progress(`cold start: first invocations, round ${rep + 1}/${reps}`);
      for (const contender of rotation(CONTENDERS, rep)) times[contender].push(await invoke(contender));
    }
  } finally {
    await dynamo.stop();
  }
  const samples = {
    consume: summarize(times.consume),
    peer: summarize(times.peer),
    empty: summarize(times.empty),
  };
  const ms = (sample: Sample) => Math.round(sample.median * 10) / 10;
  return {
    consume_bundle_bytes: statSync(bundles.consume).size,
    consume_first_invoke_ms: ms(samples.consume),
    peer_first_invoke_ms: ms(samples.peer),
    empty_first_invoke_ms: ms(samples.empty),
    provision_bundle_bytes: statSync(bundleIn(provisionDir)).size,
    peer_bundle_bytes: statSync(bundles.peer).size,
    empty_bundle_bytes: statSync(bundles.empty).size,
    ratios: {
      consume_vs_peer: pairRatios(times.consume, times.peer),
      consume_vs_empty: pairRatios(times.consume, times.empty),
      peer_vs_empty: pairRatios(times.peer, times.empty),
    },
    samples,
  };
};
