// The shell parser of the guard: tree-sitter's bash grammar, compiled to WASM
// (@vscode/tree-sitter-wasm, the build VS Code parses terminal commands with; pinned
// in package.json). It turns a command line into the simple commands it runs, with
// their words, redirections and here-documents, wherever they sit: lists, pipelines,
// subshells, $(…) and backticks, functions, loops, here-document bodies.
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';

// Baseline-compile the WASM only: optimising it would cost a second at exit, on a
// hook that runs before every tool call.
v8.setFlagsFromString('--liftoff-only');

/** The bash parser, or null when the dev dependencies are not installed yet. */
export async function loadParser(projectDir) {
  let treeSitter;
  let wasmDir;
  try {
    const require = createRequire(path.join(projectDir, 'package.json'));
    treeSitter = require('@vscode/tree-sitter-wasm');
    wasmDir = path.dirname(require.resolve('@vscode/tree-sitter-wasm'));
  } catch {
    return null;
  }
  await treeSitter.Parser.init();
  const parser = new treeSitter.Parser();
  parser.setLanguage(await treeSitter.Language.load(path.join(wasmDir, 'tree-sitter-bash.wasm')));
  return parser;
}

/**
 * A word as the shell would see it: `value` is its text after quote removal, or null
 * when part of it is computed at run time; `shape` keeps the static parts and marks
 * the computed ones with \0; `wild` says the shell may turn it into other words
 * (expansions, globs, braces).
 */
export const literal = (value) => ({ value, shape: value, wild: false });
const computed = (shape) => ({ value: null, shape, wild: true });
export const UNKNOWN = '\0';

/** { commands: [{ words, redirects, stdin, text }], redirects, hasError } of one command line. */
export function parseCommandLine(parser, text) {
  const tree = parser.parse(text);
  try {
    const result = { commands: [], redirects: [], hasError: tree.rootNode.hasError };
    visit(tree.rootNode, result);
    return result;
  } finally {
    tree.delete();
  }
}

function visit(node, result) {
  if (node.type === 'command') {
    const command = commandOf(node);
    result.commands.push(command);
    for (const child of kids(node)) visit(child, result);
    return command;
  }
  if (node.type === 'file_redirect') result.redirects.push(redirectOf(node));
  if (node.type === 'redirected_statement') {
    let body = null;
    for (const [index, child] of kids(node).entries()) {
      const visited = visit(child, result);
      if (index === 0 && visited) body = visited;
      if (body && child.type === 'heredoc_redirect') body.stdin = heredocBody(child);
      if (body && child.type === 'herestring_redirect') body.stdin = wordOf(kids(child).at(-1)).value;
    }
    return body;
  }
  if (node.type === 'pipeline') {
    kids(node).forEach((child, index) => {
      const command = visit(child, result);
      // Fed by the pipe: what it reads is not known here.
      if (index > 0 && command && command.stdin === undefined) command.stdin = null;
    });
    return null;
  }
  for (const child of kids(node)) visit(child, result);
  return null;
}

const kids = (node) => node.namedChildren.filter(Boolean);

function commandOf(node) {
  const words = [];
  const redirects = [];
  for (const child of kids(node)) {
    if (child.type === 'variable_assignment') continue;
    if (child.type === 'file_redirect') redirects.push(redirectOf(child));
    else if (child.type.endsWith('_redirect')) continue;
    else words.push(wordOf(child.type === 'command_name' ? kids(child)[0] ?? child : child));
  }
  return { words, redirects, stdin: undefined, text: node.text };
}

function redirectOf(node) {
  const op = node.children.find((child) => !child.isNamed)?.type ?? '>';
  const targets = kids(node).filter((child) => child.type !== 'file_descriptor');
  return { op, target: targets.length ? wordOf(targets.at(-1)) : null };
}

function heredocBody(node) {
  const body = kids(node).find((child) => child.type === 'heredoc_body');
  return body ? body.text : '';
}

/** The word a node stands for. */
export function wordOf(node) {
  return node ? { ...wordValue(node), raw: node.text } : computed(UNKNOWN);
}

function wordValue(node) {
  switch (node.type) {
    case 'word':
    case 'number': {
      const value = node.text.replace(/\\\n/g, '').replace(/\\(.)/gs, '$1');
      // Unquoted globs and brace lists become other words at run time.
      return /[*?[]|\{[^}]*(,|\.\.)[^}]*\}/.test(node.text) ? { value, shape: value, wild: true } : literal(value);
    }
    case 'raw_string':
      return literal(node.text.slice(1, -1));
    case 'ansi_c_string':
      return literal(decodeAnsiC(node.text.slice(2, -1)));
    case 'string':
    case 'translated_string': {
      const inner = node.text.slice(node.type === 'string' ? 1 : 2, -1);
      if (kids(node).every((child) => child.type === 'string_content')) return literal(inner.replace(/\\([$`"\\\n])/g, (_, char) => (char === '\n' ? '' : char)));
      return computed(kids(node).map((child) => (child.type === 'string_content' ? child.text : expansionShape(child))).join(''));
    }
    case 'concatenation': {
      const parts = kids(node).map(wordValue);
      const braces = /\{[^}]*(,|\.\.)[^}]*\}/.test(node.text);
      if (!braces && parts.every((part) => part.value !== null && !part.wild)) return literal(parts.map((part) => part.value).join(''));
      return { value: parts.every((part) => part.value !== null) ? parts.map((part) => part.value).join('') : null, shape: parts.map((part) => part.shape).join(''), wild: true };
    }
    default:
      return computed(expansionShape(node));
  }
}

/** $HOME stays known, so `cp $HOME/.aws/credentials .` is still seen as a credential path. */
function expansionShape(node) {
  return /^\$(\{HOME\}|HOME)$/.test(node.text) ? homedir() : UNKNOWN;
}

function decodeAnsiC(text) {
  const escapes = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', v: '\v', '\\': '\\', "'": "'", '"': '"', '?': '?' };
  return text.replace(/\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|u[0-9a-fA-F]{1,4}|.)/g, (_, code) => {
    if (/^x/.test(code)) return String.fromCharCode(parseInt(code.slice(1), 16));
    if (/^u/.test(code)) return String.fromCharCode(parseInt(code.slice(1), 16));
    if (/^[0-7]/.test(code)) return String.fromCharCode(parseInt(code, 8));
    return escapes[code] ?? code;
  });
}
