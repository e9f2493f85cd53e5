// Cold start of the generated Lambda handler against the same job written with Powertools
// for AWS Lambda (bench/powertools/handler.mjs), each in fresh `node` processes
// (bench/cold_child.mjs), alternating ours / Powertools / an empty module, so that machine
// noise hits all of them alike.
//
//   node bench/cold_start.mjs <rendered-default-project> <bench/powertools> [samples]
//
// Two measurements per handler:
//   import          `await import(handler)`. The generated store loads the AWS SDK lazily
//                   on the first request, so this one alone flatters the generated handler.
//   first_request   import + the first POST /orders answered 202, both handlers pointed at
//                   one dynalite (a DynamoDB emulator) started here, each with its own table.
// Two floors, imported the same way: an empty module (Node's own cost of an import) and
// `@aws-sdk/client-dynamodb` alone (the part both handlers load before their first answer).
// The honest floor of the whole cold start, `floor` (bench/floor_dynamodb_handler.mjs): a
// bare handler with the same SDK client making the same two calls (conditional put to
// claim, update to complete) against the same dynalite, timed import + first request.
// `floor_require` is the same floor loading the SDK with `require`, as the generated store
// does (src/lib/aws-sdk.mjs): the floor for the way ours loads it.
// Prints one JSON object (milliseconds; median, min, max and every sample).
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startDynalite } from './dynalite.mjs';

const project = resolve(process.argv[2] ?? 'demo-project');
const powertools = resolve(process.argv[3] ?? 'bench/powertools');
const samples = Number(process.argv[4] ?? 15);
const child = new URL('./cold_child.mjs', import.meta.url);

const TABLES = { ours: 'orders-idempotency', powertools: 'powertools-idempotency', floor: 'floor-idempotency', floor_require: 'floor-require-idempotency' };
const dynamo = await startDynalite(project);
const { createTable, countItems } = dynamo;
const awsEnv = { ...dynamo.awsEnv, AWS_LAMBDA_FUNCTION_NAME: 'orders-api' };

await createTable(TABLES.ours, 'pk'); // IdempotencyTable in the generated template.yaml
await createTable(TABLES.powertools, 'id'); // DynamoDBPersistenceLayer's default key attribute
await createTable(TABLES.floor, 'pk');
await createTable(TABLES.floor_require, 'pk');

const scratch = mkdtempSync(join(tmpdir(), 'cold-start-'));
writeFileSync(join(scratch, 'empty.mjs'), 'export {};\n');
// Inside the project, so that the SDK resolves from its node_modules as the store's does.
const sdkOnly = join(project, '.bench-sdk-import.mjs');
writeFileSync(sdkOnly, "import '@aws-sdk/client-dynamodb';\n");
const floorHandler = join(project, '.bench-floor-handler.mjs');
copyFileSync(new URL('./floor_dynamodb_handler.mjs', import.meta.url), floorHandler);

const { NODE_OPTIONS: _ignored, ...inherited } = process.env;
const contenders = {
  ours: { module: join(project, 'src', 'handler.mjs'), env: { IDEMPOTENCY_STORE: 'dynamodb', IDEMPOTENCY_TABLE: TABLES.ours } },
  powertools: { module: join(powertools, 'handler.mjs'), env: { IDEMPOTENCY_TABLE: TABLES.powertools, POWERTOOLS_SERVICE_NAME: 'orders-api' } },
  empty: { module: join(scratch, 'empty.mjs'), env: {} },
  sdk: { module: sdkOnly, env: {} },
  floor: { module: floorHandler, env: { IDEMPOTENCY_TABLE: TABLES.floor } },
  floor_require: { module: floorHandler, env: { IDEMPOTENCY_TABLE: TABLES.floor_require, FLOOR_SDK_LOADING: 'require' } },
};

const fixture = JSON.parse(readFileSync(join(project, 'events', 'post-order.json'), 'utf8'));
let sequence = 0;
function freshEvent() {
  sequence += 1;
  const key = `cold-${process.pid}-${sequence}`;
  return { ...fixture, headers: { ...fixture.headers, 'idempotency-key': key }, requestContext: { ...fixture.requestContext, requestId: key } };
}

function runChild(name, mode) {
  const { module, env } = contenders[name];
  const started = performance.now();
  return new Promise((done, fail) => {
    const running = spawn(process.execPath, [child.pathname, pathToFileURL(module).href, mode], {
      env: { ...inherited, ...awsEnv, ...env, BENCH_EVENT: mode === 'first_request' ? JSON.stringify(freshEvent()) : '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    running.stdout.on('data', (chunk) => (stdout += chunk));
    running.stderr.on('data', (chunk) => (stderr += chunk));
    running.on('error', fail);
    running.on('close', (code) => {
      const line = stdout.split('\n').find((text) => text.startsWith('BENCH '));
      if (code !== 0 || !line) return fail(new Error(`${name} ${mode} exited ${code}\n${stdout}\n${stderr}`));
      const result = JSON.parse(line.slice('BENCH '.length));
      if (mode === 'first_request' && result.status !== 202) {
        return fail(new Error(`${name} answered ${result.status}, not 202\n${stdout}\n${stderr}`));
      }
      done({ ...result, wallMs: performance.now() - started });
    });
  });
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const summary = (values) => ({ median: median(values), min: Math.min(...values), max: Math.max(...values), samples: values });

const plan = [
  ['import', ['ours', 'powertools', 'empty', 'sdk']],
  ['first_request', ['ours', 'powertools', 'floor', 'floor_require']],
];
const results = { import: {}, first_request: {} };
try {
  for (const [mode, names] of plan) {
    for (const name of names) {
      await runChild(name, mode); // warm-up: file system cache, compile cache
      results[mode][name] = [];
    }
  }
  for (let round = 0; round < samples; round += 1) {
    for (const [mode, names] of plan) {
      for (let offset = 0; offset < names.length; offset += 1) {
        const name = names[(round + offset) % names.length];
        results[mode][name].push(await runChild(name, mode));
      }
    }
  }
  const pick = (runs, read) => summary(runs.map(read));
  console.log(
    JSON.stringify({
      samples,
      importMs: Object.fromEntries(Object.entries(results.import).map(([name, runs]) => [name, pick(runs, (run) => run.importMs)])),
      importPlusFirstRequestMs: Object.fromEntries(
        Object.entries(results.first_request).map(([name, runs]) => [name, pick(runs, (run) => run.importMs + run.requestMs)]),
      ),
      firstRequestOnlyMs: Object.fromEntries(Object.entries(results.first_request).map(([name, runs]) => [name, pick(runs, (run) => run.requestMs)])),
      nodeBootMs: pick([...results.import.empty], (run) => run.bootMs),
      processWallMs: Object.fromEntries(Object.entries(results.first_request).map(([name, runs]) => [name, pick(runs, (run) => run.wallMs)])),
      itemsWritten: Object.fromEntries(await Promise.all(Object.entries(TABLES).map(async ([name, table]) => [name, await countItems(table)]))),
    }),
  );
} finally {
  await dynamo.stop();
  rmSync(scratch, { recursive: true, force: true });
  rmSync(sdkOnly, { force: true });
  rmSync(floorHandler, { force: true });
}
