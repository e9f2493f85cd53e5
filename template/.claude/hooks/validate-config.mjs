// Claude Code PostToolUse hook: after Claude writes or edits the deploy config, run the
// fast validator and hand its findings back to Claude before it goes on.
//   template.yaml  → cfn-lint, or `sam validate --lint` where only the SAM CLI is installed
//   wrangler.jsonc → parsed as JSONC and checked against the config schema that the pinned
//                    Wrangler ships (node_modules/wrangler/config-schema.json)
// Claude Code pipes the PostToolUse JSON into stdin (tool_name, tool_input.file_path, cwd).
// The tool already ran, so nothing can be blocked: findings go back the documented way,
// `{"decision": "block", "reason": …}` on stdout, which Claude reads next to the tool's
// result. A config that validates prints nothing; a missing validator is said as
// additionalContext. Any other file returns at once.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readHookInput } from './lib/hook-input.mjs';

const hooksDir = path.dirname(fileURLToPath(import.meta.url));
const projectDir = path.resolve(process.env.CLAUDE_PROJECT_DIR || path.join(hooksDir, '..', '..'));
const isWindows = process.platform === 'win32';
const MAX_FINDINGS = 20;

const input = readHookInput({ name: 'validate-config', event: 'PostToolUse', skipped: 'nothing validated' });
const edited = editedFile(input);
if (edited === path.join(projectDir, 'template.yaml')) report('template.yaml', lintSamTemplate());
else if (edited === path.join(projectDir, 'wrangler.jsonc')) report('wrangler.jsonc', checkWranglerConfig(edited));
process.exit(0);

/** The absolute path Write/Edit/MultiEdit changed, or "" for other tools. */
function editedFile({ tool_name: tool, tool_input: args, cwd }) {
  if (!['Write', 'Edit', 'MultiEdit'].includes(tool) || typeof args?.file_path !== 'string') return '';
  return path.resolve(typeof cwd === 'string' && cwd ? cwd : projectDir, args.file_path);
}

/** { findings: [...] } or { unchecked: reason }. */
function lintSamTemplate() {
  const cfnLint = run('cfn-lint', ['--', 'template.yaml']);
  if (!cfnLint.missing) return { tool: 'cfn-lint', findings: cfnLint.status === 0 ? [] : lines(cfnLint) };
  const region = /^\s*region\s*=\s*"([^"]+)"/m.exec(read(path.join(projectDir, 'samconfig.toml')))?.[1] ?? 'us-east-1';
  const sam = run('sam', ['validate', '--lint', '--template-file', 'template.yaml', '--region', region]);
  if (!sam.missing) return { tool: 'sam validate --lint', findings: sam.status === 0 ? [] : lines(sam) };
  return { unchecked: 'neither cfn-lint nor the SAM CLI is installed (`pip install cfn-lint`), so nothing checked it; CI runs cfn-lint' };
}

function checkWranglerConfig(file) {
  const require = createRequire(path.join(projectDir, 'package.json'));
  const schemaFile = path.join(projectDir, 'node_modules', 'wrangler', 'config-schema.json');
  let Ajv;
  let jsonc;
  try {
    Ajv = require('ajv');
    jsonc = require('jsonc-parser');
  } catch {
    return { unchecked: 'the schema check needs `npm install` first (ajv and jsonc-parser are dev dependencies)' };
  }
  if (!existsSync(schemaFile)) return { unchecked: 'Wrangler is not installed (`npm install`), so its config schema is missing' };
  const text = read(file);
  const errors = [];
  const config = jsonc.parse(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length) {
    return {
      tool: 'the JSONC parser',
      findings: errors.map(({ error, offset }) => `wrangler.jsonc:${position(text, offset)} ${jsonc.printParseErrorCode(error)}`),
    };
  }
  const validate = new Ajv({ allErrors: true, strict: false, logger: false }).compile(JSON.parse(read(schemaFile)));
  if (validate(config)) return { tool: "Wrangler's config schema", findings: [] };
  const findings = validate.errors.map(({ instancePath, message, params }) => {
    const extra = params?.additionalProperty ? ` "${params.additionalProperty}"` : params?.allowedValues ? ` (${params.allowedValues.join(', ')})` : '';
    return `${instancePath || '(top level)'}: ${message}${extra}`;
  });
  return { tool: "Wrangler's config schema (node_modules/wrangler/config-schema.json)", findings: [...new Set(findings)] };
}

function report(name, result) {
  if (result.unchecked) {
    write({ hookSpecificOutput: { hookEventName: 'PostToolUse', additionalContext: `${name} was not validated after this edit: ${result.unchecked}.` } });
  } else if (result.findings.length) {
    const shown = result.findings.slice(0, MAX_FINDINGS);
    const more = result.findings.length > shown.length ? `\n(and ${result.findings.length - shown.length} more)` : '';
    write({
      decision: 'block',
      reason: `${name} no longer validates (${result.tool}):\n${shown.map((line) => `- ${line}`).join('\n')}${more}\nFix every finding before going on; a change to this file needs a human's review before any deploy.`,
    });
  }
}

// ----------------------------------------------------------------- helpers --

function run(command, args) {
  const result = spawnSync(command, args, { cwd: projectDir, encoding: 'utf8', shell: isWindows, timeout: 100_000, maxBuffer: 10 * 1024 * 1024 });
  const missing = result.error?.code === 'ENOENT' || (isWindows && result.status === 1 && /is not recognized/.test(result.stderr ?? ''));
  return { ...result, missing };
}

function lines(result) {
  const text = `${result.stdout ?? ''}\n${result.stderr ?? ''}`;
  const found = text.split(/\r?\n/).map((line) => line.trimEnd()).filter((line) => line.trim());
  return found.length ? found : [`exited ${result.status ?? result.error?.code} without output`];
}

function position(text, offset) {
  const before = text.slice(0, offset).split('\n');
  return `${before.length}:${before.at(-1).length + 1}`;
}

function read(file) {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function write(output) {
  process.stdout.write(`${JSON.stringify(output)}\n`);
}
