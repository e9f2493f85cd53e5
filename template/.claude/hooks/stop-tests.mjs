// Claude Code Stop hook: before Claude ends its turn, run the unit tests
// (`npm run test:unit`, the fast part of `npm test`) and keep Claude working while they
// fail, so "done" always means "the tests pass".
// Claude Code pipes the Stop JSON into stdin. It lets Claude stop at once when
//   - stop_hook_active is true: Claude is already continuing because of this hook, and a
//     second block could loop on a failure Claude cannot fix (it reports it instead);
//   - git shows no change outside Markdown files: there is nothing new to prove.
// Failing tests go back the documented way: `{"decision": "block", "reason": …}` on
// stdout, with the end of the test output, and Claude continues.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readHookInput } from './lib/hook-input.mjs';

const hooksDir = path.dirname(fileURLToPath(import.meta.url));
const projectDir = path.resolve(process.env.CLAUDE_PROJECT_DIR || path.join(hooksDir, '..', '..'));
const isWindows = process.platform === 'win32';
const TEST_SCRIPT = 'test:unit';
const OUTPUT_LINES = 60;

const input = readHookInput({ name: 'stop-tests', event: 'Stop', skipped: 'the unit tests did not run' });
if (input.stop_hook_active === true) process.exit(0);
if (!changedSinceLastCommit()) process.exit(0);

const tests = spawnSync(isWindows ? 'npm.cmd' : 'npm', ['run', '--silent', TEST_SCRIPT], {
  cwd: projectDir,
  encoding: 'utf8',
  shell: isWindows,
  timeout: 280_000,
  maxBuffer: 20 * 1024 * 1024,
  env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
});
if (tests.status === 0) process.exit(0);

const why = tests.error ? `could not finish (${tests.error.code ?? tests.error.message})` : `exits ${tests.status}`;
process.stdout.write(
  `${JSON.stringify({
    decision: 'block',
    reason:
      `\`npm run ${TEST_SCRIPT}\` ${why}, so the change is not done yet. Fix the code or the test that is wrong; ` +
      'never delete, skip or weaken a test to make it pass. If the failure is not yours to fix, tell the human what fails and why.\n' +
      `What failed:\n${tail(tests)}`,
  })}\n`,
);
process.exit(0);

/** True when a file other than Markdown differs from the last commit, or when git cannot tell. */
function changedSinceLastCommit() {
  const status = spawnSync('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: projectDir, encoding: 'utf8' });
  if (status.status !== 0) return true; // no git repository (yet): run the tests
  return status.stdout
    .split('\n')
    .map((line) => line.slice(3).replace(/^"|"$/g, ''))
    .some((file) => file && !file.endsWith('.md'));
}

/** The first failures (node --test `not ok`, Vitest `FAIL`/`×`) with what follows them, then the summary. */
function tail(result) {
  const text = `${result.stdout ?? ''}\n${result.stderr ?? ''}`.replace(/\x1b\[[0-9;]*m/g, '');
  const lines = text.split(/\r?\n/).filter((line) => line.trim());
  const failures = lines.flatMap((line, index) => (/^\s*(not ok\b|FAIL\b|×|✗|✖)/.test(line) ? [index] : [])).slice(0, 3);
  const shown = failures.map((index) => lines.slice(index, index + 25).join('\n'));
  shown.push(lines.slice(-OUTPUT_LINES / 4).join('\n'));
  return shown.join('\n…\n').slice(0, 6000) || '(no output)';
}
