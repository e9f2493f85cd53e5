// One cold start, in a fresh `node` process started by bench/cold_start.mjs:
//   node bench/cold_child.mjs <module-url> import|first_request
// Imports nothing before the timed import. Prints one line `BENCH {...}` on stdout (the
// handlers' own log lines go there too) with milliseconds:
//   bootMs      process start → this module runs (Node's own start-up)
//   importMs    `await import(module)`
//   requestMs   the first request, when asked for (API Gateway v2 event from BENCH_EVENT)
const bootMs = performance.now();
const [moduleUrl, mode] = process.argv.slice(2);
const event = mode === 'first_request' ? JSON.parse(process.env.BENCH_EVENT) : null;
const context = {
  awsRequestId: crypto.randomUUID(),
  functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
  getRemainingTimeInMillis: () => 10_000,
};

const importStarted = performance.now();
const module = await import(moduleUrl);
const imported = performance.now();

const result = { bootMs, importMs: imported - importStarted };
if (event) {
  const response = await module.handler(event, context);
  result.requestMs = performance.now() - imported;
  result.status = response.statusCode;
}
process.stdout.write(`\nBENCH ${JSON.stringify(result)}\n`);
