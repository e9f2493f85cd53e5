// How the per-request cost of the generated Lambda handler grows with the work, side by
// side with the bare handlers of handler_parts.mjs in one process:
//   body size        the fixture's order padded to 1 KiB, 16 KiB and the body limit
//                    (MAX_BODY_BYTES, 64 KiB by default), with a `note` member the
//                    validation ignores and the fingerprint covers; generated, bare and
//                    bare + fingerprint, memory store.
//   memory records   the generated handler's memory store holding 0, 10 000, 100 000 and
//                    1 000 000 live records before the timed requests.
//   dynalite records the DynamoDB store against dynalite holding 0, 1 000 and 10 000 items,
//                    next to the floor (floor_dynamodb_handler.mjs: the same two calls
//                    with no contract) against the same table.
//
//   node bench/handler_growth.mjs <rendered-default-project> [rounds]
//
// Prints one JSON object: µs per request (median over rounds) for every row.
import { copyFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startDynalite } from './dynalite.mjs';
import { alternatingRounds, bareHandler, freshEvent, loadProject, median } from './handler_parts.mjs';

const project = resolve(process.argv[2] ?? 'demo-project');
const rounds = Number(process.argv[3] ?? 5);

const parts = await loadProject(project);
const { createHandler, createMemoryStore, fixture, load, loadConfig } = parts;
const handOn = async () => {};
const sink = () => {};
const config = (overrides = {}) => ({ ...loadConfig({}), ...overrides });
const medians = (samples) => Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, median(values)]));

/** The fixture's order as JSON text of exactly `bytes` bytes. */
function paddedOrder(bytes) {
  const order = JSON.parse(fixture.body);
  const shell = JSON.stringify({ ...order, note: '' });
  return JSON.stringify({ ...order, note: 'n'.repeat(Math.max(0, bytes - shell.length)) });
}

async function bodySizes() {
  const limit = config().maxBodyBytes;
  const rows = [];
  for (const bytes of [fixture.body.length, 1024, 16 * 1024, limit]) {
    const body = bytes === fixture.body.length ? fixture.body : paddedOrder(bytes);
    const variants = {
      bare: bareHandler(parts, { handOn }),
      bare_hash: bareHandler(parts, { handOn, fingerprint: true }),
      generated: createHandler({ config: config({ idempotencyStore: 'memory' }), store: createMemoryStore(), write: sink, handOn }),
    };
    const perRound = bytes > 8192 ? 300 : 2000;
    const samples = await alternatingRounds(variants, { rounds, eventsFor: () => Array.from({ length: perRound }, () => freshEvent(fixture, body)) });
    rows.push({ bytes: Buffer.byteLength(body), ...medians(samples) });
  }
  return rows;
}

/** A store holding `count` live completed records, written through its own claim/complete. */
async function filled(store, count, batch = 1) {
  const now = Math.floor(Date.now() / 1000);
  for (let start = 0; start < count; start += batch) {
    await Promise.all(
      Array.from({ length: Math.min(batch, count - start) }, async (_, offset) => {
        const key = `held-${start + offset}`;
        const record = { key, fingerprint: 'f', token: key, now, leaseUntil: now + 900, expiresAt: now + 86_400 };
        await store.claim(record);
        await store.complete({ key, token: key, result: { statusCode: 202, body: '{}' }, expiresAt: now + 86_400 });
      }),
    );
  }
  return store;
}

async function memoryRecords() {
  const rows = [];
  for (const records of [0, 10_000, 100_000, 1_000_000]) {
    const store = await filled(createMemoryStore(), records);
    const generated = createHandler({ config: config({ idempotencyStore: 'memory' }), store, write: sink, handOn });
    const samples = await alternatingRounds({ generated }, { rounds, eventsFor: () => Array.from({ length: 2000 }, () => freshEvent(fixture)) });
    rows.push({ records, ...medians(samples) });
  }
  return rows;
}

async function dynaliteRecords() {
  const dynamo = await startDynalite(project);
  Object.assign(process.env, dynamo.awsEnv);
  const floorFile = join(project, '.bench-growth-floor.mjs');
  copyFileSync(new URL('./floor_dynamodb_handler.mjs', import.meta.url), floorFile);
  try {
    const { createDynamoDbStore } = await load('src/lib/stores/dynamodb.mjs');
    const rows = [];
    for (const records of [0, 1_000, 10_000]) {
      // A table per row for ours, one for the floor, each holding `records` items.
      const ours = `growth-ours-${records}`;
      const floorTable = `growth-floor-${records}`;
      for (const name of [ours, floorTable]) {
        await dynamo.createTable(name);
        await filled(createDynamoDbStore({ tableName: name, client: dynamo.client }), records, 50);
      }
      process.env.IDEMPOTENCY_TABLE = floorTable;
      const { handler: floor } = await import(`${pathToFileURL(floorFile).href}?table=${floorTable}`);
      const generated = createHandler({ config: config({ idempotencyStore: 'dynamodb', idempotencyTable: ours }), write: sink, handOn });
      const samples = await alternatingRounds({ generated, floor }, { rounds, eventsFor: () => Array.from({ length: 150 }, () => freshEvent(fixture)) });
      rows.push({ records, ...medians(samples) });
    }
    return rows;
  } finally {
    rmSync(floorFile, { force: true });
    await dynamo.stop();
  }
}

console.log(JSON.stringify({ rounds, bodySizes: await bodySizes(), memoryRecords: await memoryRecords(), dynaliteRecords: await dynaliteRecords() }));
