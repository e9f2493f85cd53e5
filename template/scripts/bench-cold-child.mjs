// One cold start for `npm run bench:cold`, in a fresh node process:
//   node scripts/bench-cold-child.mjs <module> [events/<fixture>.json]
// Times `await import(module)` and, given a fixture, the first event the handler answers.
// Nothing else is imported before the timed import, so its number is the module's own.
// Prints one line `COLD {...}` (milliseconds) after the handler's own log lines.
const bootMs = performance.now();
const [specifier, fixture] = process.argv.slice(2);

const importStarted = performance.now();
const module = await import(specifier);
const importMs = performance.now() - importStarted;

/**
 * What one process prints after `COLD `: requestMs and outcome only when it answered a fixture.
 * @typedef { { bootMs: number, importMs: number, requestMs?: number, outcome?: Outcome } } ColdResult
 */

/**
 * How the first event ended: an HTTP status, the number of records that failed, or what was thrown.
 * @typedef { { status?: number, failed?: number, threw?: string } } Outcome
 */

/** @type {ColdResult} */
const result = { bootMs, importMs };
if (fixture) Object.assign(result, await answerFirstEvent(module, fixture));
process.stdout.write(`\nCOLD ${JSON.stringify(result)}\n`);

/**
 * What this script uses of the module it imported, src/handler.mjs of any use case (the
 * module is chosen at run time, so its own types are not known here).
 * @typedef { { createHandler: (local: { secrets?: string[], apiKeys?: string[] }) => (event: unknown, context: Partial<import('aws-lambda').Context>) => Promise<HandlerAnswer | undefined> } } HandlerModule
 */

/**
 * The parts of an answer outcomeOf reads: an HTTP result, or a batch's failed records.
 * @typedef { { statusCode?: number, batchItemFailures?: unknown[], failed?: unknown[] } } HandlerAnswer
 */

// The handler as `npm run invoke` builds it: the local secrets and API keys of scripts/
// stand in for the secret store, and a webhook fixture is signed as it is sent.
/**
 * @param {HandlerModule} handlerModule
 * @param {string} file  the fixture, events/<name>.json
 * @returns {Promise<{ requestMs: number, outcome: Outcome }>}
 */
async function answerFirstEvent({ createHandler }, file) {
  const { existsSync, readFileSync } = await import('node:fs');
  /** @type {unknown} */
  let event = JSON.parse(readFileSync(file, 'utf8'));
  /** @type { { secrets?: string[], apiKeys?: string[] } } */
  const local = {};
  const webhookFixtures = new URL('./webhook-fixtures.mjs', import.meta.url);
  if (existsSync(webhookFixtures)) {
    // The module exists in webhook projects only, so its shape is written out here.
    const { ACCEPTED_LOCAL_SECRETS, signFixture } = /** @type { { ACCEPTED_LOCAL_SECRETS: string[], signFixture: (fixture: unknown) => Promise<unknown> } } */ (
      await import(webhookFixtures.href)
    );
    local.secrets = ACCEPTED_LOCAL_SECRETS;
    event = await signFixture(event);
  }
  const apiKeys = new URL('./local-api-keys.mjs', import.meta.url);
  if (existsSync(apiKeys)) local.apiKeys = /** @type { { LOCAL_API_KEYS: string[] } } */ (await import(apiKeys.href)).LOCAL_API_KEYS;

  const handler = createHandler(local);
  const context = { awsRequestId: crypto.randomUUID(), getRemainingTimeInMillis: () => 10_000 };
  const started = performance.now();
  try {
    const answer = await handler(event, context);
    return { requestMs: performance.now() - started, outcome: outcomeOf(answer) };
  } catch (error) {
    return { requestMs: performance.now() - started, outcome: { threw: `${/** @type {Error} */ (error).name}: ${/** @type {Error} */ (error).message}` } };
  }
}

/**
 * What the bench checks before it counts a sample: an HTTP status, or the records that failed.
 * @param {HandlerAnswer | undefined} answer
 * @returns {Outcome}
 */
function outcomeOf(answer) {
  if (typeof answer?.statusCode === 'number') return { status: answer.statusCode };
  return { failed: answer?.batchItemFailures?.length ?? answer?.failed?.length ?? 0 };
}
