// Sends fixtures to the local dev server: `npm run send -- events/<fixture>.json [more…]`.
// Start it first with `npm run dev` (wrangler dev, http://localhost:8787; SEND_URL points
// elsewhere). Each fixture is signed now with the fake local secret its "sign" block
// names (scripts/webhook-fixtures.mjs), so the dev server must accept that secret:
// `npm run send -- --dev-vars` adds it to .dev.vars once, next to your provider's secret.
// Sending the same fixture twice shows the replay (`idempotent-replayed: true`).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { LOCAL_WEBHOOK_SECRETS, signFixture } from './webhook-fixtures.mjs';

const base = process.env.SEND_URL ?? 'http://localhost:8787';
const args = process.argv.slice(2);
if (args[0] === '--dev-vars') {
  addLocalSecretsToDevVars('.dev.vars');
  process.exit(0);
}
if (args.length === 0) {
  console.error('usage: npm run send -- events/<fixture>.json [more fixtures…]   (or: npm run send -- --dev-vars)');
  process.exit(2);
}

for (const file of args) {
  const fixture = JSON.parse(readFileSync(file, 'utf8'));
  const { url, method, headers, body } = await signFixture(fixture);
  const { pathname, search } = new URL(url);
  const target = new URL(pathname + search, base);
  let response;
  try {
    response = await fetch(target, { method, headers, body, redirect: 'manual' });
  } catch (error) {
    console.error(`cannot reach ${base} (${/** @type {Error & { cause?: { code?: string } }} */ (error).cause?.code ?? /** @type {Error} */ (error).message}): start the dev server with npm run dev, or set SEND_URL`);
    process.exit(1);
  }
  const text = await response.text();
  // Connection and date headers come from the local server, not from the Worker.
  const shown = [...response.headers].filter(([name]) => !['connection', 'keep-alive', 'date', 'transfer-encoding'].includes(name));
  console.log(`── ${file} → ${method} ${target}`);
  console.log(JSON.stringify({ status: response.status, headers: Object.fromEntries(shown), body: parsed(text) }, null, 2));
  if (response.status === 401 && ['current', 'previous'].includes(fixture.sign?.secret) && !fixture.sign.signedBody) {
    console.error('The dev server refused a correctly signed fixture: its WEBHOOK_SECRETS lacks the local fixture secret.');
    console.error('Run `npm run send -- --dev-vars` once, then restart `npm run dev`.');
  }
}

/**
 * Adds the fake local fixture secrets to WEBHOOK_SECRETS in .dev.vars (git-ignored), keeping the rest.
 * @param {string} path
 */
function addLocalSecretsToDevVars(path) {
  const local = [LOCAL_WEBHOOK_SECRETS.current, LOCAL_WEBHOOK_SECRETS.previous];
  const lines = existsSync(path) ? readFileSync(path, 'utf8').split('\n') : [];
  const index = lines.findIndex((line) => line.startsWith('WEBHOOK_SECRETS='));
  const kept = index < 0 ? [] : lines[index].slice('WEBHOOK_SECRETS='.length).split(',').map((secret) => secret.trim())
    .filter((secret) => secret && !secret.startsWith('replace-with-') && !local.includes(secret));
  const line = `WEBHOOK_SECRETS=${[...kept, ...local].join(',')}`;
  if (index < 0) lines.unshift('# Local secrets for `npm run dev` (git-ignored). The fixture secrets are fake and local only.', line);
  else lines[index] = line;
  writeFileSync(path, lines.join('\n').replace(/\n*$/, '\n'));
  console.log(`${path}: WEBHOOK_SECRETS accepts the local fixture secrets${kept.length ? ` and ${kept.length} secret(s) of yours` : ''}; restart npm run dev.`);
}

/**
 * @param {string} text
 * @returns {unknown}
 */
function parsed(text) {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
