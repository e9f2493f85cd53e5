// Fails when the staged tree still holds leftovers of a `copier update`: lines that
// open or close a merge conflict, or .rej files with hunks nobody applied.
// Run by .githooks/pre-commit; also usable in CI (`node scripts/check-conflict-markers.mjs`).
// It reads the index, not the working tree, so it checks exactly what would be committed.
import { spawnSync } from 'node:child_process';

// Only the opening and closing markers: a line of seven '=' is also a Markdown heading underline.
const MARKER = '^(<<<<<<<|>>>>>>>)( |$)';

/** @param {string[]} args */
function git(args) {
  const result = spawnSync('git', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw result.error;
  return result;
}

/**
 * Stops with exit 2 unless git answered with one of `ok`: a git killed by a signal has no
 * status at all, and reading its empty output as "no markers" would let the commit through.
 * @param {import('node:child_process').SpawnSyncReturns<string>} result
 * @param {number[]} ok
 */
function refuseUnlessAnswered(result, ok) {
  if (result.status !== null && ok.includes(result.status)) return;
  process.stderr.write(result.stderr || `git stopped by ${result.signal ?? 'an unknown cause'}\n`);
  process.exit(2);
}

// git grep exits 0 when it finds a marker, 1 when it finds none.
const markers = git(['grep', '--cached', '-I', '-n', '-E', MARKER]);
refuseUnlessAnswered(markers, [0, 1]);
const markerLines = markers.status === 0 ? markers.stdout.trim().split('\n') : [];
const listed = git(['ls-files', '--cached', '--', '*.rej']);
refuseUnlessAnswered(listed, [0]);
const rejects = listed.stdout.trim().split('\n').filter(Boolean);

if (markerLines.length || rejects.length) {
  const report = [
    'Refusing to commit: the update left conflicts behind.',
    ...markerLines.map((line) => `  conflict marker  ${line}`),
    ...rejects.map((file) => `  rejected hunks   ${file}`),
    'Keep the lines you want, delete the markers (and apply then delete each .rej file),',
    'run the tests, then `git add` the files and commit again.',
  ];
  process.stderr.write(`${report.join('\n')}\n`);
  process.exit(1);
}
