// Claude Code PreToolUse guard. Claude Code pipes the tool call as JSON into stdin;
// exit 2 blocks the call and shows stderr to Claude, exit 0 lets the permission
// rules of .claude/settings.json decide (or, with the JSON printed on stdout, makes
// a person confirm). It blocks:
//   - a Bash command that would change the cloud (the table in guard-policy.json,
//     reached through wrappers, package scripts, make targets or repo scripts) or
//     that the guard cannot resolve, while `npm run check` fails; once it passes, a
//     person still confirms;
//   - IAM changes (denied in settings; here also behind global options);
//   - writes to the deploy gate itself (settings, these hooks, the checklist and its
//     library, the git hooks), and package.json scripts that would deploy;
//   - secrets written into the project (the file as it would be after the edit),
//     scan-allow markers written by Claude, and Bash that reads credential files.
// This is best effort on parsed commands; the sandbox in settings.json is the
// boundary that does not depend on spelling (README: "Claude Code guard rails").
// Every failure, including the guard's own, exits 2: only exit 2 blocks.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const hooksDir = path.dirname(fileURLToPath(import.meta.url));
const projectDir = path.resolve(process.env.CLAUDE_PROJECT_DIR || path.join(hooksDir, '..', '..'));
const FILE_TOOLS = new Set(['Write', 'Edit', 'MultiEdit', 'NotebookEdit']);

process.on('uncaughtException', (error) => block(`guard hook failed (${error?.message ?? error}); refusing the tool call. Run \`npm install\` and retry; if it persists, tell the human.`));
process.on('unhandledRejection', (error) => block(`guard hook failed (${error?.message ?? error}); refusing the tool call.`));

const input = readInput();
const policy = loadPolicy();
const modules = await loadModules();
if (input.tool_name === 'Bash') await checkBash(input);
else if (FILE_TOOLS.has(input.tool_name)) await checkFileTool(input);
process.exit(0);

// ------------------------------------------------------------------- input --

function readInput() {
  let payload;
  try {
    payload = JSON.parse(readFileSync(0, 'utf8'));
  } catch (error) {
    block(`guard hook could not parse its input as JSON (${error.message}); refusing the tool call.`);
  }
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) block('guard hook input is not a JSON object; refusing the tool call.');
  const { tool_name: tool, tool_input: args } = payload;
  if (typeof tool !== 'string' || !tool) block('guard hook input has no tool_name string; refusing the tool call.');
  if (tool !== 'Bash' && !FILE_TOOLS.has(tool)) return payload;
  if (!args || typeof args !== 'object' || Array.isArray(args)) block(`guard hook input for ${tool} has no tool_input object; refusing the tool call.`);
  const strings = (...keys) => keys.every((key) => typeof args[key] === 'string');
  const shapes = {
    Bash: () => strings('command'),
    Write: () => strings('file_path', 'content'),
    Edit: () => strings('file_path', 'old_string', 'new_string') && ['undefined', 'boolean'].includes(typeof args.replace_all),
    MultiEdit: () => strings('file_path') && Array.isArray(args.edits) && args.edits.length > 0 && args.edits.every((edit) => edit && typeof edit.old_string === 'string' && typeof edit.new_string === 'string'),
    NotebookEdit: () => strings('notebook_path') && ['undefined', 'string'].includes(typeof args.new_source),
  };
  if (!shapes[tool]()) block(`guard hook input for ${tool} has a malformed tool_input (${Object.keys(args).join(', ') || 'no fields'}); refusing the tool call.`);
  return payload;
}

function loadPolicy() {
  try {
    return JSON.parse(readFileSync(path.join(hooksDir, 'guard-policy.json'), 'utf8'));
  } catch (error) {
    block(`guard hook cannot read .claude/hooks/guard-policy.json (${error.message}); restore it (copier update --trust) before using tools.`);
  }
}

async function loadModules() {
  try {
    const load = (file) => import(pathToFileURL(file).href);
    const [commands, shell, paths, secrets] = await Promise.all([
      load(path.join(hooksDir, 'lib', 'commands.mjs')),
      load(path.join(hooksDir, 'lib', 'shell.mjs')),
      load(path.join(hooksDir, 'lib', 'paths.mjs')),
      load(path.join(projectDir, 'scripts', 'lib', 'secret-patterns.mjs')),
    ]);
    return { ...commands, ...shell, ...paths, ...secrets };
  } catch (error) {
    block(`guard hook cannot load its modules (${error.message}); restore .claude/hooks and scripts/lib before using tools.`);
  }
}

// -------------------------------------------------------------------- Bash --

async function checkBash({ tool_input: { command }, cwd }) {
  blockSecrets(command, 'the command line');
  const parser = await modules.loadParser(projectDir);
  const analyzer = new modules.CommandAnalyzer({ projectDir, cwd: typeof cwd === 'string' && cwd ? cwd : projectDir, policy, parser });
  let findings;
  if (parser) findings = analyzer.analyze(command);
  else {
    // Before `npm install` there is no parser: installing passes (its lifecycle scripts
    // are checked word by word), anything naming a deploy tool or an indirection does not.
    const install = /^\s*npm\s+(install|i|ci)(\s+[\w@./:^~=-]+)*\s*$/.test(command);
    const scripts = install ? modules.CommandAnalyzer.prototype.scriptsOf.call(analyzer, projectDir) : {};
    for (const text of install ? ['preinstall', 'install', 'postinstall', 'preprepare', 'prepare', 'postprepare'].map((name) => scripts[name]).filter(Boolean) : [command]) {
      analyzer.lexical(text, 'the guard\'s shell parser is not installed yet (run `npm install`)');
    }
    findings = analyzer.findings;
  }
  const writesFiles = /(^|[^<>&0-9])>>?|\btee\b|\bsed\b[^|;&]*\s-i|\bcp\b|\bmv\b/.test(command);
  if (command.includes(modules.ALLOW_COMMENT) && writesFiles) block(`Blocked: this command writes a \`${modules.ALLOW_COMMENT}\` marker. Only a person adds those, by hand, after reviewing the value.`);
  decide(findings, `\`${command.trim().slice(0, 200)}\``);
}

/** Refuse, ask or pass on what a command (or a package.json script) would do. */
function decide(findings, subject) {
  const refuse = (kind) => findings.filter((finding) => finding.kind === kind);
  const explain = (list) => list.map((finding) => `  - ${[...finding.via, finding.what].join(' → ')}`).join('\n');
  if (refuse('denied').length) block(`Blocked: ${subject} changes IAM, which settings deny (aws iam); a person makes IAM changes in their own shell:\n${explain(refuse('denied'))}`);
  if (refuse('gate-write').length) block(`Blocked: ${subject} would change the deploy gate, which Claude cannot switch off; a person edits these files (and sends the fix upstream):\n${explain(refuse('gate-write'))}`);
  if (refuse('package-json-write').length) block(`Blocked: ${subject}:\n${explain(refuse('package-json-write'))}`);
  const secrets = [...refuse('credential-read'), ...refuse('secret-file-read')];
  if (secrets.length) block(`Blocked: ${subject} reads credentials or local secrets, which stay out of Claude's reach (copy the names you need from .env.example / .dev.vars.example):\n${explain(secrets)}`);
  const deploys = [...refuse('mutation'), ...refuse('unresolved')];
  if (deploys.length) guardDeploy(subject, deploys, explain(deploys));
}

function guardDeploy(subject, deploys, explained) {
  const what = deploys.some((finding) => finding.kind === 'mutation') ? 'changes the cloud' : 'may change the cloud (the guard cannot resolve all of it, so it counts as a deploy)';
  const check = path.join(projectDir, 'scripts', 'check.mjs');
  if (!existsSync(check)) block(`Deploy blocked: ${subject} ${what}, and scripts/check.mjs is missing, so the deploy checklist cannot be checked.\n${explained}`);
  const result = spawnSync(process.execPath, [check, '--fail-fast'], { cwd: projectDir, encoding: 'utf8', timeout: 280_000, maxBuffer: 20 * 1024 * 1024 });
  if (result.status === 0) {
    // The checklist holds: a person still says yes, whatever the allow rules say.
    const reason = `${subject} ${what}:\n${explained}\n\`npm run check\` passes; a person confirms every deploy.`;
    process.stdout.write(`${JSON.stringify({ hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'ask', permissionDecisionReason: reason } })}\n`);
    process.exit(0);
  }
  const failing = `${result.stdout ?? ''}`.split(/\r?\n/).filter((line) => line.startsWith('✗'));
  block(
    `Deploy blocked: ${subject} ${what}:\n${explained}\n` +
      `It needs a passing deploy checklist, and \`npm run check\` fails:\n${failing.length ? failing.join('\n') : (result.stderr || result.error?.message || 'no output').trim()}\n` +
      'Fix these rows (see DEPLOY_CHECKLIST.md; `npm run check` lists them all), then ask the human to deploy.',
  );
}

// ------------------------------------------------------------- file tools --

async function checkFileTool({ tool_name: tool, tool_input: args, cwd }) {
  const base = typeof cwd === 'string' && cwd ? cwd : projectDir;
  const target = path.resolve(base, args.file_path ?? args.notebook_path);
  const shown = path.relative(projectDir, target) || target;
  const found = modules.classifyPath(target, projectDir, policy);
  if (found.gate) block(`Blocked: ${shown} is part of the deploy gate (${found.gate}), which Claude cannot change; a person edits it (and sends the fix upstream). Skills, agents, commands and rules under .claude stay editable.`);
  if (modules.isLocalSecretName(path.basename(target))) return; // where local secrets belong (git ignores them)
  const before = readCurrent(target);
  const after = tool === 'NotebookEdit' ? `${before}\n${args.new_source ?? ''}` : applyEdits(tool, args, before);
  if (modules.countAllowComments(after) > modules.countAllowComments(before)) {
    block(`Blocked: this change adds a \`${modules.ALLOW_COMMENT}\` marker to ${shown}. Only a person adds those, by hand, after reviewing the value.`);
  }
  const known = new Set(modules.findSecrets(before).map((finding) => finding.digest));
  blockSecrets(after, `${shown} (as it would be after this ${tool})`, (finding) => !known.has(finding.digest));
  if (found.packageJson) await checkPackageScripts(target, before, after, shown);
}

function readCurrent(file) {
  try {
    return statSync(file).size > 5_000_000 ? '' : readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** The file as Claude Code would leave it: each edit replaces its old_string once (or everywhere). */
function applyEdits(tool, args, text) {
  if (tool === 'Write') return args.content;
  const edits = tool === 'Edit' ? [args] : args.edits;
  let result = text;
  for (const { old_string: oldText, new_string: newText, replace_all: all } of edits) {
    if (oldText === '' || !result.includes(oldText)) result = `${result}\n${newText}`; // the edit would fail; scan the new text anyway
    else result = all ? result.split(oldText).join(newText) : result.replace(oldText, () => newText);
  }
  return result;
}

/** A new or changed package.json script is checked like the command it is. */
async function checkPackageScripts(file, before, after, shown) {
  const parse = (text) => {
    try {
      const value = JSON.parse(text);
      return value && typeof value === 'object' ? value : null;
    } catch {
      return null;
    }
  };
  const next = parse(after);
  if (!next) return; // not valid JSON: npm runs no script from it
  const oldScripts = parse(before)?.scripts ?? {};
  const newScripts = next.scripts && typeof next.scripts === 'object' ? next.scripts : {};
  const changed = Object.entries(newScripts).filter(([name, text]) => typeof text === 'string' && oldScripts[name] !== text);
  if (!changed.length) return;
  const parser = await modules.loadParser(projectDir);
  const analyzer = new modules.CommandAnalyzer({ projectDir, cwd: path.dirname(file), policy, parser, packageJsonOverride: new Map([[path.dirname(file), next]]) });
  for (const [name, text] of changed) {
    analyzer.nested(`${shown} script "${name}": ${text}`, () => (parser ? analyzer.line(text) : analyzer.lexical(text, "the guard's shell parser is not installed yet (run `npm install`)")));
  }
  decide(analyzer.findings, `the change to ${shown}`);
}

// ----------------------------------------------------------------- shared --

function blockSecrets(text, where, isNew = () => true) {
  const findings = modules.findSecrets(text).filter(isNew);
  if (findings.length === 0) return;
  const list = findings.map((finding) => `${finding.kind} (line ${finding.line}, ${finding.preview})`).join('; ');
  block(
    `Blocked: ${where} would contain a secret-looking string: ${list}. ` +
      'Secrets belong in the secret store (or .env / .dev.vars locally, which git ignores), never in source, fixtures or commands. ' +
      'In fixtures and tests use values marked as fake, e.g. AKIAIOSFODNN7EXAMPLE or whsec_test_…, or build them from parts at run time.',
  );
}

function block(reason) {
  process.stderr.write(`${reason}\n`);
  process.exit(2);
}
