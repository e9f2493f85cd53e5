// One cold start for `npm run bench:cold`, in a fresh node process:
//   node scripts/bench-cold-child.ts <module> [events/<fixture>.json]
// Times `await import(module)` and, given a fixture, the first event the handler answers.
// Nothing else is imported before the timed import, so its number is the module's own.
// Prints one line `COLD {...}` (milliseconds) after the handler's own log lines.
import type { Context } from 'aws-lambda';

const bootMs = performance.now();
const [specifier, fixture] = process.argv.slice(2);

const importStarted = performance.now();
const module = await import(specifier);
const importMs = performance.now() - importStarted;

/** What one process prints after `COLD `: requestMs and outcome only when it answered a fixture. */
export type ColdResult = { bootMs: number; importMs: number; requestMs?: number; outcome?: Outcome };

/** How the first event ended: an HTTP status, the number of records that failed, or what was thrown. */
export type Outcome = { status?: number; failed?: number; threw?: string };

const result: ColdResult = { bootMs, importMs };
if (fixture) Object.assign(result, await answerFirstEvent(module, fixture));
process.stdout.write(`\nCOLD ${JSON.stringify(result)}\n`);

/**
 * What this script uses of the module it imported, src/handler.ts of any use case (the
 * module is chosen at run time, so its own types are not known here).
 */
export type HandlerModule = { createHandler: (local: { secrets?: string[]; apiKeys?: string[] }) => (event: unknown, context: Partial<Context>) => Promise<HandlerAnswer | undefined> };

/** The parts of an answer outcomeOf reads: an HTTP result, or a batch's failed records. */
export type HandlerAnswer = { statusCode?: number; batchItemFailures?: unknown[]; failed?: unknown[] };

// The handler as `npm run invoke` builds it: the local secrets and API keys of scripts/
// stand in for the secret store, and a webhook fixture is signed as it is sent.
/**
 * @param file the fixture, events/<name>.json
 */
async function answerFirstEvent({ createHandler }: HandlerModule, file: string): Promise<{ requestMs: number; outcome: Outcome }> {
  const { existsSync, readFileSync } = await import('node:fs');
  let event: unknown = JSON.parse(readFileSync(file, 'utf8'));
  const local: { secrets?: string[]; apiKeys?: string[] } = {};
  const webhookFixtures = new URL('./webhook-fixtures.ts', import.meta.url);
  if (existsSync(webhookFixtures)) {
    // The module exists in webhook projects only, so its shape is written out here.
    const { ACCEPTED_LOCAL_SECRETS, signFixture } = await import(webhookFixtures.href) as { ACCEPTED_LOCAL_SECRETS: string[], signFixture: (fixture: unknown) => Promise<unknown> };
    local.secrets = ACCEPTED_LOCAL_SECRETS;
    event = await signFixture(event);
  }
  const apiKeys = new URL('./local-api-keys.ts', import.meta.url);
  if (existsSync(apiKeys)) local.apiKeys = (await import(apiKeys.href) as { LOCAL_API_KEYS: string[] }).LOCAL_API_KEYS;

  const handler = createHandler(local);
  const context = { awsRequestId: crypto.randomUUID(), getRemainingTimeInMillis: () => 10_000 };
  const started = performance.now();
  try {
    const answer = await handler(event, context);
    return { requestMs: performance.now() - started, outcome: outcomeOf(answer) };
  } catch (error) {
    return { requestMs: performance.now() - started, outcome: { threw: `${(error as Error).name}: ${(error as Error).message}` } };
  }
}

/** What the bench checks before it counts a sample: an HTTP status, or the records that failed. */
function outcomeOf(answer: HandlerAnswer | undefined): Outcome {
  if (typeof answer?.statusCode === 'number') return { status: answer.statusCode };
  return { failed: answer?.batchItemFailures?.length ?? answer?.failed?.length ?? 0 };
}
