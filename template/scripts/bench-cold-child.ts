// One cold start for `npm run bench:cold`, in a fresh node process:
//   node scripts/bench-cold-child.ts <module> [events/<fixture>.json]
// Times `await import(module)` and, given a fixture, the first event the handler answers.
// Nothing else is imported before the timed import, so its number is the module's own.
// Prints one line `COLD {...}` (milliseconds) after the handler's own log lines.
const bootMs = performance.now();
const [specifier, fixture] = process.argv.slice(2);

const importStarted = performance.now();
const module = await import(specifier);
const importMs = performance.now() - importStarted;

const result = { bootMs, importMs };
if (fixture) Object.assign(result, await answerFirstEvent(module, fixture));
process.stdout.write(`\nCOLD ${JSON.stringify(result)}\n`);

// The handler as `npm run invoke` builds it: the local secrets and API keys of scripts/
// stand in for the secret store, and a webhook fixture is signed as it is sent.
async function answerFirstEvent({ createHandler }, file) {
  const { existsSync, readFileSync } = await import('node:fs');
  let event = JSON.parse(readFileSync(file, 'utf8'));
  const local = {};
  const webhookFixtures = new URL('./webhook-fixtures.ts', import.meta.url);
  if (existsSync(webhookFixtures)) {
    const { ACCEPTED_LOCAL_SECRETS, signFixture } = await import(webhookFixtures);
    local.secrets = ACCEPTED_LOCAL_SECRETS;
    event = await signFixture(event);
  }
  const apiKeys = new URL('./local-api-keys.ts', import.meta.url);
  if (existsSync(apiKeys)) local.apiKeys = (await import(apiKeys)).LOCAL_API_KEYS;

  const handler = createHandler(local);
  const context = { awsRequestId: crypto.randomUUID(), getRemainingTimeInMillis: () => 10_000 };
  const started = performance.now();
  try {
    const answer = await handler(event, context);
    return { requestMs: performance.now() - started, outcome: outcomeOf(answer) };
  } catch (error) {
    return { requestMs: performance.now() - started, outcome: { threw: `${error.name}: ${error.message}` } };
  }
}

/** What the bench checks before it counts a sample: an HTTP status, or the records that failed. */
function outcomeOf(answer) {
  if (typeof answer?.statusCode === 'number') return { status: answer.statusCode };
  return { failed: answer?.batchItemFailures?.length ?? answer?.failed?.length ?? 0 };
}
