// The machine-checkable part of DEPLOY_CHECKLIST.md: `npm run check`.
// Prints one line per check, ✓ (passes), ✗ (fails) or – (could not be checked here),
// each with its reason, and exits 1 when any check fails. The Claude Code guard hook
// runs it before every deploy command. `--skip-tests` leaves out `npm test` (CI runs
// the tests in the step before). `--fail-fast` (the guard's) runs the cheap checks
// first and stops at the first failure, so a blocked deploy is told at once instead
// of after the whole test suite.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findUnlimitedRoutes } from './lib/public-routes.mjs';
import { findSecrets, isKeyFile, isLocalSecretFile } from './lib/secret-patterns.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const skipTests = process.argv.includes('--skip-tests');
const failFast = process.argv.includes('--fail-fast');
const isWindows = process.platform === 'win32';
const platform = existsSync(path.join(root, 'template.yaml')) ? 'lambda' : 'workers';
const answers = readAnswers(path.join(root, '.copier-answers.yml'));
/** @type {Set<string | undefined>} */
const HTTP_SOURCES = new Set(['http_api', 'function_url', 'fetch']);

/** @type { { mark: '✓' | '✗' | '–', row: string, reason: string }[]} */
const rows = [];
/** @param {string} row @param {string} reason */
const pass = (row, reason) => rows.push({ mark: '✓', row, reason });
/** @param {string} row @param {string} reason */
const fail = (row, reason) => rows.push({ mark: '✗', row, reason });
/** @param {string} row @param {string} reason */
const unchecked = (row, reason) => rows.push({ mark: '–', row, reason });

// In the order of the DEPLOY_CHECKLIST.md rows they belong to; cheapest first with --fail-fast.
const checks = failFast
  ? [checkOwner, checkRuntimePinned, checkPublicUntil, checkRateLimits, checkRetention, checkNoSecrets, checkConfigValidates, checkTests]
  : [checkOwner, checkRuntimePinned, checkConfigValidates, checkTests, checkNoSecrets, checkRetention, checkPublicUntil, checkRateLimits];
for (const check of checks) {
  check();
  if (failFast && rows.some((row) => row.mark === '✗')) break;
}

console.log(`Deploy checklist, machine-checkable rows (${answers.project_slug ?? path.basename(root)}, ${platform}):`);
for (const { mark, row, reason } of rows) console.log(`${mark} ${row} — ${reason}`);
const failed = rows.filter((row) => row.mark === '✗').length;
const notChecked = rows.filter((row) => row.mark === '–').length;
console.log(
  failed === 0
    ? `Checklist: every machine check holds${notChecked ? ` (${notChecked} not checked here)` : ''}; the human rows of DEPLOY_CHECKLIST.md still need a person.`
    : `Checklist: ${failed} of ${rows.length} checks fail; fix them before deploying.`,
);
process.exit(failed === 0 ? 0 : 1);

function checkOwner() {
  const row = 'Requirements and owner: owner set';
  const owner = (answers.owner ?? '').trim();
  if (!owner) fail(row, 'no owner in .copier-answers.yml; re-answer with `copier update --trust --defaults --data owner=<team or e-mail>`');
  else if (/@example\.(com|org|net)$|^(todo|tbd|changeme|you)$/i.test(owner)) fail(row, `owner is the placeholder "${owner}"; name the real team or person (\`copier update --trust --defaults --data owner=...\`)`);
  else pass(row, `owner is ${owner}`);
}

function checkPublicUntil() {
  const row = 'Auth, CORS and rate limits: public endpoint has an owner and a review date';
  if (answers.use_case === 'edge_redirect') return pass(row, 'redirects are public by design and read-only');
  const isHttp = HTTP_SOURCES.has(answers.event_source);
  if (!isHttp) return pass(row, `no HTTP endpoint (${answers.event_source ?? 'event source'} invokes the function)`);
  if (answers.auth !== 'none') return pass(row, `not public: auth is ${answers.auth ?? 'set'}`);
  const until = (answers.public_until ?? '').trim();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(until)) return fail(row, 'public endpoint (auth none) without public_until; set a review/deletion date');
  const today = new Date().toISOString().slice(0, 10);
  if (until < today) return fail(row, `public_until ${until} has passed: review the endpoint, then delete it or set a new date`);
  pass(row, `public until ${until}, owner ${answers.owner ?? 'unknown'}`);
}

function checkRateLimits() {
  const row = 'Auth, CORS and rate limits: every public route has a limit';
  const { unlimited, limited } = findUnlimitedRoutes({ root, answers, config: platform === 'workers' ? readWranglerConfig() : undefined });
  if (unlimited.length) return fail(row, unlimited.join('; '));
  pass(row, limited.join('; ') || 'no public route');
}

function checkRuntimePinned() {
  const row = 'Runtime pinned';
  if (platform === 'lambda') {
    const runtimes = [...read('template.yaml').matchAll(/^\s*Runtime:\s*(\S+)/gm)].map((match) => match[1]);
    if (runtimes.length === 0) return fail(row, 'template.yaml names no Runtime');
    const loose = runtimes.filter((runtime) => !/^nodejs\d+\.x$/.test(runtime));
    return loose.length ? fail(row, `unexpected runtime ${loose.join(', ')}`) : pass(row, `Runtime ${[...new Set(runtimes)].join(', ')}`);
  }
  const config = readWranglerConfig();
  if (!config) return fail(row, 'wrangler.jsonc is missing or not valid JSONC');
  return /^\d{4}-\d{2}-\d{2}$/.test(config.compatibility_date ?? '')
    ? pass(row, `compatibility_date ${config.compatibility_date}`)
    : fail(row, 'wrangler.jsonc has no explicit compatibility_date');
}

function checkTests() {
  const row = 'Local proof: tests pass';
  if (skipTests) return unchecked(row, 'skipped (--skip-tests)');
  if (!existsSync(path.join(root, 'node_modules'))) return fail(row, 'node_modules is missing; run `npm install`, then `npm test`');
  const result = run(isWindows ? 'npm.cmd' : 'npm', ['test']);
  if (result.status === 0) return pass(row, '`npm test` passed');
  fail(row, `\`npm test\` exited ${result.status ?? /** @type {NodeJS.ErrnoException | undefined} */ (result.error)?.code}: ${lastLines(result)}`);
}

function checkConfigValidates() {
  const row = 'Runtime pinned: config validates';
  if (platform === 'lambda') {
    if (commandExists('cfn-lint')) {
      const result = run('cfn-lint', ['template.yaml']);
      return result.status === 0 ? pass(row, 'cfn-lint template.yaml: no findings') : fail(row, `cfn-lint: ${lastLines(result)}`);
    }
    if (commandExists('sam')) {
      const result = run('sam', ['validate', '--lint', '--template-file', 'template.yaml', '--region', answers.aws_region ?? 'us-east-1']);
      return result.status === 0 ? pass(row, 'sam validate --lint passed') : fail(row, `sam validate --lint: ${lastLines(result)}`);
    }
    return unchecked(row, 'not checked: neither cfn-lint nor sam is installed (`pip install cfn-lint`); CI validates');
  }
  const wrangler = path.join(root, 'node_modules', '.bin', isWindows ? 'wrangler.cmd' : 'wrangler');
  if (!existsSync(wrangler)) return unchecked(row, 'not checked: Wrangler is not installed; run `npm install`');
  const outdir = mkdtempSync(path.join(tmpdir(), 'check-dry-run-'));
  try {
    const result = run(wrangler, ['deploy', '--dry-run', '--outdir', outdir], { WRANGLER_SEND_METRICS: 'false' });
    return result.status === 0 ? pass(row, '`wrangler deploy --dry-run` passed') : fail(row, `wrangler deploy --dry-run: ${lastLines(result)}`);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

function checkNoSecrets() {
  const row = 'Config vs secrets: no secret-looking strings in tracked files';
  const { files, source } = trackedFiles();
  const problems = [];
  for (const file of files) {
    if (isLocalSecretFile(file)) problems.push(`${file} is a local secrets file and must not be tracked`);
    else if (isKeyFile(file)) problems.push(`${file} looks like key material`);
    else {
      /** @type {string} */
      let text;
      try {
        const full = path.join(root, file);
        if (statSync(full).size > 2_000_000) continue;
        text = readFileSync(full, 'utf8');
      } catch {
        continue;
      }
      for (const finding of findSecrets(text)) problems.push(`${file}:${finding.line} ${finding.kind} (${finding.preview})`);
    }
  }
  if (problems.length) return fail(row, `${problems.slice(0, 5).join('; ')}${problems.length > 5 ? `; and ${problems.length - 5} more` : ''}`);
  pass(row, `${files.length} ${source} files scanned, none found`);
}

function checkRetention() {
  const row = 'Observability and log retention: retention set';
  if (platform === 'lambda') {
    const template = read('template.yaml');
    const groups = [...template.matchAll(/^\s*Type:\s*AWS::Logs::LogGroup\b/gm)].length;
    const retentions = [...template.matchAll(/^\s*RetentionInDays:\s*(\d+)/gm)].map((match) => Number(match[1]));
    if (groups === 0) return fail(row, 'template.yaml declares no AWS::Logs::LogGroup, so Lambda would create one that keeps logs forever');
    if (retentions.length < groups) return fail(row, `${groups - retentions.length} of ${groups} log groups have no RetentionInDays`);
    return pass(row, `${groups} log group(s), RetentionInDays ${[...new Set(retentions)].join(', ')}`);
  }
  const config = readWranglerConfig();
  return config?.observability?.enabled === true
    ? pass(row, 'observability.enabled in wrangler.jsonc (Workers Logs keep the plan\'s retention)')
    : fail(row, 'wrangler.jsonc does not set observability.enabled: true');
}

// ---------------------------------------------------------------- helpers --

/** @returns { { files: string[], source: string } } */
function trackedFiles() {
  const git = spawnSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' });
  if (git.status === 0 && git.stdout) return { files: git.stdout.split('\0').filter(Boolean), source: 'tracked' };
  // Not a git repository yet: scan what would be committed, minus the usual ignores.
  const skip = new Set(['node_modules', '.git', '.wrangler', '.aws-sam', 'dist', 'coverage']);
  /** @type {string[]} */
  const files = [];
  /** @param {string} dir */
  const walk = (dir) => {
    for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const relative = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!skip.has(entry.name)) walk(relative);
      } else if (entry.isFile() && !isLocalSecretFile(relative)) files.push(relative);
    }
  };
  walk('');
  return { files, source: 'project (no git repository yet)' };
}

/**
 * .copier-answers.yml as name → value; a question it does not answer is missing.
 * @param {string} file
 * @returns {Partial<Record<string, string>>}
 */
function readAnswers(file) {
  /** @type {Record<string, string>} */
  const raw = {};
  if (!existsSync(file)) return raw;
  /** @type {string | null} */
  let key = null;
  for (const line of readFileSync(file, 'utf8').split(/\r?\n/)) {
    const match = /^([A-Za-z_][\w-]*):\s*(.*)$/.exec(line);
    if (match) [key, raw[match[1]]] = [match[1], match[2].trim()];
    // A long value goes on over indented lines; YAML folds each line break into a space.
    else if (key && /^\s+\S/.test(line)) raw[key] += ` ${line.trim()}`;
    else key = null;
  }
  return Object.fromEntries(Object.entries(raw).map(([name, text]) => [name, yamlScalar(text)]));
}

/**
 * A one-line YAML scalar as Copier writes it: plain, 'single' ('' is one quote) or "double".
 * @param {string} text
 * @returns {string}
 */
function yamlScalar(text) {
  if (/^'.*'$/.test(text)) return text.slice(1, -1).replaceAll("''", "'");
  if (/^".*"$/.test(text)) {
    try {
      return JSON.parse(text);
    } catch {
      return text.slice(1, -1);
    }
  }
  return text;
}

/**
 * The parts of wrangler.jsonc this script reads (findUnlimitedRoutes of Workers reads more).
 * @typedef { { compatibility_date?: string, observability?: { enabled?: boolean } } } WranglerConfig
 */

/** @returns {WranglerConfig | null} */
function readWranglerConfig() {
  for (const name of ['wrangler.jsonc', 'wrangler.json']) {
    if (!existsSync(path.join(root, name))) continue;
    try {
      return JSON.parse(stripJsonComments(read(name)));
    } catch {
      return null;
    }
  }
  return null;
}

/**
 * JSONC → JSON: drops comments and trailing commas, leaving strings alone.
 * @param {string} text
 * @returns {string}
 */
function stripJsonComments(text) {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '"') {
      const end = findStringEnd(text, i);
      out += text.slice(i, end + 1);
      i = end;
    } else if (char === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (char === '/' && text[i + 1] === '*') {
      i = text.indexOf('*/', i + 2);
      if (i === -1) break;
      i++;
    } else out += char;
  }
  return out.replace(/,(\s*[}\]])/g, '$1');
}

/**
 * @param {string} text
 * @param {number} start  the index of the opening quote
 * @returns {number}
 */
function findStringEnd(text, start) {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  return text.length;
}

/**
 * @param {string} file
 * @returns {string}
 */
function read(file) {
  try {
    return readFileSync(path.join(root, file), 'utf8');
  } catch {
    return '';
  }
}

/**
 * @param {string} command
 * @returns {boolean}
 */
function commandExists(command) {
  const probe = spawnSync(command, ['--version'], { encoding: 'utf8', shell: isWindows });
  return !probe.error && probe.status === 0;
}

/**
 * @param {string} command
 * @param {string[]} args
 * @param {NodeJS.ProcessEnv} [env]
 */
function run(command, args, env = {}) {
  return spawnSync(command, args, {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    shell: isWindows,
    timeout: 240_000,
    maxBuffer: 20 * 1024 * 1024,
  });
}

/**
 * @param {import('node:child_process').SpawnSyncReturns<string>} result
 * @returns {string}
 */
function lastLines(result) {
  const text = `${result.stdout ?? ''}\n${result.stderr ?? ''}`.trim();
  const lines = text.split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
  return lines.slice(-3).join(' | ').slice(0, 400) || 'no output';
}
