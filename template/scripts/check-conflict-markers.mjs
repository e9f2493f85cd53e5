// Fails when the staged tree still holds leftovers of a `copier update`: lines that
// open or close a merge conflict, or .rej files with hunks nobody applied.
// Run by .githooks/pre-commit; also usable in CI (`node scripts/check-conflict-markers.mjs`).
// It reads the index, not the working tree, so it checks exactly what would be committed.
import { spawnSync } from 'node:child_process';

// Only the opening and closing markers: a line of seven '=' is also a Markdown heading underline.
const MARKER = '^(<<<<<<<|>>>>>>>)( |$)';

function git(args) {
  const result = spawnSync('git', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw result.error;
  return result;
}

const markers = git(['grep', '--cached', '-I', '-n', '-E', MARKER]);
if (markers.status > 1) {
  process.stderr.write(markers.stderr);
  process.exit(2);
}
const markerLines = markers.status === 0 ? markers.stdout.trim().split('\n') : [];
const rejects = git(['ls-files', '--cached', '--', '*.rej']).stdout.trim().split('\n').filter(Boolean);

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
