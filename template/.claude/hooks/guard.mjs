// Claude Code PreToolUse guard (Node, no dependencies). Reads the hook input JSON on
// stdin and exits 2 with the reason on stderr, which Claude Code shows to Claude and
// which stops the tool call, when:
//   - a Bash command deploys while `npm run check` (scripts/check.mjs) fails;
//   - a write (Write, Edit, MultiEdit, NotebookEdit, or a Bash command line) would put
//     a secret-looking string into the project. Local secret files (.env*, .dev.vars*)
//     are the one place such values belong, so writes to them pass.
// Anything else exits 0 and the normal permission rules apply (deploys still ask).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const projectDir = process.env.CLAUDE_PROJECT_DIR || path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

// A deploy is anything that changes what runs in the cloud. `wrangler deploy --dry-run`
// only builds, so it passes.
const DEPLOY_COMMANDS = [
  /\bsam\s+(?:deploy|sync)\b/,
  /\bwrangler\s+(?:deploy|publish|versions\s+deploy)\b(?![^;&|\n]*--dry-run)/,
  /\b(?:npm|pnpm|yarn|bun)\s+(?:run(?:-script)?\s+)?deploy(?::[\w-]+)?\b/,
  /\baws\s+lambda\s+(?:update-function-code|update-function-configuration|publish-version|create-function)\b/,
  /\baws\s+cloudformation\s+(?:deploy|create-stack|update-stack|execute-change-set)\b/,
];

const input = readInput();
const tool = input.tool_name ?? '';
const toolInput = input.tool_input ?? {};

if (tool === 'Bash') {
  const command = String(toolInput.command ?? '');
  await blockSecrets(command, 'the command line');
  if (DEPLOY_COMMANDS.some((pattern) => pattern.test(command))) guardDeploy(command);
} else if (['Write', 'Edit', 'MultiEdit', 'NotebookEdit'].includes(tool)) {
  const target = String(toolInput.file_path ?? toolInput.notebook_path ?? '');
  const { isLocalSecretFile } = await loadPatterns();
  if (!isLocalSecretFile(target)) await blockSecrets(newText(tool, toolInput), relative(target));
}
process.exit(0);

function readInput() {
  try {
    return JSON.parse(readFileSync(0, 'utf8'));
  } catch (error) {
    block(`guard hook could not parse its input as JSON (${error.message}); refusing the tool call.`);
  }
}

function newText(toolName, args) {
  if (toolName === 'Write') return String(args.content ?? '');
  if (toolName === 'Edit') return String(args.new_string ?? '');
  if (toolName === 'MultiEdit') return (args.edits ?? []).map((edit) => String(edit?.new_string ?? '')).join('\n');
  return String(args.new_source ?? '');
}

async function loadPatterns() {
  const module = path.join(projectDir, 'scripts', 'lib', 'secret-patterns.mjs');
  try {
    return await import(pathToFileURL(module).href);
  } catch (error) {
    block(`guard hook cannot load ${relative(module)} (${error.message}); restore it before writing files.`);
  }
}

async function blockSecrets(text, where) {
  const { findSecrets } = await loadPatterns();
  const findings = findSecrets(text);
  if (findings.length === 0) return;
  const list = findings.map((finding) => `${finding.kind} (line ${finding.line}, ${finding.preview})`).join('; ');
  block(
    `Blocked: ${where} would contain a secret-looking string: ${list}. ` +
      'Secrets belong in the secret store (or .env / .dev.vars locally, which git ignores), never in source, fixtures or commands. ' +
      'In fixtures and tests use values marked as fake, e.g. AKIAIOSFODNN7EXAMPLE or whsec_test_….',
  );
}

function guardDeploy(command) {
  const check = path.join(projectDir, 'scripts', 'check.mjs');
  if (!existsSync(check)) block(`Deploy blocked: ${relative(check)} is missing, so the deploy checklist cannot be checked.`);
  const result = spawnSync(process.execPath, [check], { cwd: projectDir, encoding: 'utf8', timeout: 280_000, maxBuffer: 20 * 1024 * 1024 });
  if (result.status === 0) return;
  const failing = `${result.stdout ?? ''}`.split(/\r?\n/).filter((line) => line.startsWith('✗'));
  block(
    `Deploy blocked: \`${command.trim()}\` needs a passing deploy checklist, and \`npm run check\` fails:\n` +
      `${failing.length ? failing.join('\n') : (result.stderr || result.error?.message || 'no output').trim()}\n` +
      'Fix these rows (see DEPLOY_CHECKLIST.md), run `npm run check` again, then ask the human to deploy.',
  );
}

function relative(file) {
  return file ? path.relative(projectDir, path.resolve(projectDir, file)) || file : 'the file';
}

function block(reason) {
  process.stderr.write(`${reason}\n`);
  process.exit(2);
}
