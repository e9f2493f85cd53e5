// Derives the template's TypeScript sources from its JavaScript ones.
//
//   node tools/typescript/derive.mjs [--check] template/src/lib/api.mjs template/test/x.mjs.jinja ...
//
// Each `x.mjs` (or `x.mjs.jinja`) gets a sibling `x.ts` (`x.ts.jinja`); `--check` writes nothing and
// exits 1 naming every derived file that differs from what its source gives. The JavaScript stays
// the source of truth (docs/decisions.md): its JSDoc types become TypeScript annotations through
// TypeScript's own code fixes, then the steps below make the result read like hand-written
// TypeScript: JSDoc casts become `as`, `import('./x.mjs').T` becomes an `import type`, relative
// `.mjs` paths become `.ts`, and the JSDoc keeps its prose but loses the types it handed over.
import { readFileSync, writeFileSync } from 'node:fs';
import ts from 'typescript';

const FORMAT = {
  ...ts.getDefaultFormatCodeSettings('\n'),
  indentSize: 2,
  tabSize: 2,
  convertTabsToSpaces: true,
  semicolons: ts.SemicolonPreference.Insert,
};
const PREFERENCES = { quotePreference: 'single' };

// `x.mjs` -> `x.ts`, `x.mjs.jinja` -> `x.ts.jinja` (also inside a Jinja-conditioned name),
// and a macro `_macros/x.jinja` -> `_macros/x.ts.jinja`.
export function derivedPath(source) {
  if (/(^|\/)_macros\/[^/]+\.jinja$/.test(source)) return source.replace(/\.jinja$/, '.ts.jinja');
  const at = source.lastIndexOf('.mjs');
  if (at === -1) throw new Error(`${source} is not a JavaScript source`);
  return `${source.slice(0, at)}.ts${source.slice(at + 4)}`;
}

export function deriveTypeScript(source, name = 'source.mjs') {
  const jinja = name.endsWith('.jinja') ? maskJinja(source, name) : { masked: source, unmask: (text) => text };
  let text = jinja.masked;
  // Typedefs first: once annotations name a typedef, TypeScript no longer offers to convert it.
  const typedefProse = collectTypedefProse(text);
  text = applyCodeFix(text, 'convertTypedefToType');
  text = documentTypedefs(text, typedefProse);
  text = applyCodeFix(text, 'annotateWithTypeFromJSDoc');
  text = optionalParameters(text);
  text = declareConstructorFields(text);
  text = exportTypes(text);
  text = jsDocCastsToAs(text);
  text = importTypesToImports(text);
  text = stripHandedOverJsDoc(text);
  text = tidyTypeLiterals(text);
  text = optionsOnTheirOwnLines(text);
  text = tsExtensions(text);
  return jinja.unmask(text);
}

// ------------------------------------------------------------------ Jinja --
// Tags become placeholders TypeScript can parse: `{{ x }}` an identifier (valid in code, strings
// and comments), a statement tag `{% if %}` a comment where it stands in code. Every placeholder
// must come back exactly once, so a code fix that dropped one fails the derivation.
const JINJA_TAG = /\{%[\s\S]*?%\}|\{\{[\s\S]*?\}\}|\{#[\s\S]*?#\}/g;
const PLACEHOLDER = /\/\*__JINJA_(\d+)__\*\/|__JINJA_(\d+)__/g;

function maskJinja(source, name) {
  const tags = [];
  let masked = source.replace(JINJA_TAG, (tag) => `__JINJA_${tags.push(tag) - 1}__`);
  const edits = [];
  visit(parse(masked), (node) => {
    const match = ts.isIdentifier(node) && /^__JINJA_(\d+)__$/.exec(node.text);
    if (match && !tags[Number(match[1])].startsWith('{{')) {
      edits.push({ start: node.getStart(), end: node.end, text: `/*${node.text}*/` });
    }
  });
  masked = applyEdits(masked, edits);
  return {
    masked,
    unmask(text) {
      const seen = new Set();
      const restored = text.replace(PLACEHOLDER, (_, inComment, inCode) => {
        const index = Number(inComment ?? inCode);
        if (seen.has(index)) throw new Error(`${name}: Jinja tag ${tags[index]} was duplicated`);
        seen.add(index);
        // A file name in a tag follows the files too: `{{ 'src/secrets.mjs' if … }}`.
        return tsExtensions(tags[index]);
      });
      const lost = tags.filter((_, index) => !seen.has(index));
      if (lost.length) throw new Error(`${name}: Jinja tags lost in the derivation: ${lost.join(' ')}`);
      return restored.replace(/_macros\/(\w+)\.jinja'/g, "_macros/$1.ts.jinja'");
    },
  };
}

// ------------------------------------------------------------- code fixes --
const VIRTUAL = '/derive/source.mts';

export function applyCodeFix(text, fixId) {
  const host = {
    getScriptFileNames: () => [VIRTUAL],
    getScriptVersion: () => '1',
    getScriptSnapshot: (file) =>
      file === VIRTUAL ? ts.ScriptSnapshot.fromString(text) : ts.sys.fileExists(file) ? ts.ScriptSnapshot.fromString(ts.sys.readFile(file)) : undefined,
    getCurrentDirectory: () => '/derive',
    getCompilationSettings: () => ({ strict: true, noEmit: true, module: ts.ModuleKind.NodeNext, target: ts.ScriptTarget.ES2023 }),
    getDefaultLibFileName: (options) => ts.getDefaultLibFilePath(options),
    fileExists: (file) => file === VIRTUAL || ts.sys.fileExists(file),
    readFile: (file) => (file === VIRTUAL ? text : ts.sys.readFile(file)),
  };
  const service = ts.createLanguageService(host);
  const fix = service.getCombinedCodeFix({ type: 'file', fileName: VIRTUAL }, fixId, FORMAT, PREFERENCES);
  const edits = fix.changes.flatMap((change) =>
    change.textChanges.map((edit) => ({ start: edit.span.start, end: edit.span.start + edit.span.length, text: edit.newText })),
  );
  return applyEdits(text, edits);
}

// --------------------------------------------------------------- post-steps --
// The prose of a @typedef and of its @property lines, which convertTypedefToType drops.
function collectTypedefProse(text) {
  const found = new Map();
  visit(parse(text), (node) => {
    for (const doc of node.jsDoc ?? []) {
      for (const tag of doc.tags ?? []) {
        if (!ts.isJSDocTypedefTag(tag) || !tag.name) continue;
        const members = new Map();
        const literal = tag.typeExpression;
        if (literal && ts.isJSDocTypeLiteral(literal)) {
          for (const property of literal.jsDocPropertyTags ?? []) {
            const prose = commentText(property.comment);
            if (prose) members.set(property.name.getText(), prose);
          }
        }
        found.set(tag.name.text, { description: commentText(tag.comment), members });
      }
    }
  });
  return found;
}

function documentTypedefs(text, prose) {
  const source = parse(text);
  const edits = [];
  for (const statement of source.statements) {
    if (!(ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement)) || !prose.has(statement.name.text)) continue;
    const { description, members } = prose.get(statement.name.text);
    const typeMembers = ts.isInterfaceDeclaration(statement) ? statement.members : [];
    const start = statement.getStart(source);
    const [typeProse, leadingTags] = splitJinjaTags(description);
    if (typeProse) edits.push({ start, end: start, text: `/** ${typeProse} */\n` });
    if (leadingTags.length && typeMembers.length) {
      const at = typeMembers[0].getStart(source);
      edits.push({ start: at, end: at, text: `${leadingTags.join('\n')}\n${indentAt(text, at)}` });
    }
    for (const member of typeMembers) {
      const [said, tags] = splitJinjaTags((member.name && members.get(member.name.getText(source))) ?? '');
      const at = member.getStart(source);
      if (said) edits.push({ start: at, end: at, text: `/** ${said} */\n${indentAt(text, at)}` });
      if (tags.length) edits.push({ start: member.end, end: member.end, text: tags.map((tag) => `\n${tag}`).join('') });
    }
  }
  return applyEdits(text, edits);
}

// `@param {T} [name]` without a default value: the code fix types it `T` but forgets the `?`.
function optionalParameters(text) {
  const source = parse(text);
  const edits = [];
  visit(source, (node) => {
    if (!ts.isFunctionLike(node) || !node.parameters || ts.isTypeNode(node)) return;
    const tags = ts.getJSDocTags(node).filter(ts.isJSDocParameterTag);
    for (const parameter of node.parameters) {
      if (!ts.isIdentifier(parameter.name) || parameter.questionToken || parameter.initializer || parameter.dotDotDotToken) continue;
      const name = parameter.name.text;
      if (tags.some((tag) => ts.isIdentifier(tag.name) && tag.name.text === name && tag.isBracketed)) {
        edits.push({ start: parameter.name.end, end: parameter.name.end, text: '?' });
      }
    }
  });
  return applyEdits(text, edits);
}

// A Jinja tag between two `@property` lines reads as the prose of the first one; in the
// interface it goes on a line of its own after that member, so it still guards the next.
function splitJinjaTags(prose) {
  const tags = prose.match(/__JINJA_\d+__/g) ?? [];
  const rest = prose.replace(/__JINJA_\d+__/g, '').replace(/\s+/g, ' ').trim();
  return [rest, tags.map((tag) => `/*${tag}*/`)];
}

function commentText(comment) {
  const text = typeof comment === 'string' ? comment : comment?.map((part) => part.text).join('') ?? '';
  return text.replace(/^\s*-\s*/, '').replace(/\s+/g, ' ').trim();
}

function indentAt(text, at) {
  return /^[ \t]*/.exec(text.slice(text.lastIndexOf('\n', at - 1) + 1))[0];
}

// An options parameter typed inline: one member a line, each with the prose of its
// `@param options.name` line, when there is prose or the one-line form would be long.
function optionsOnTheirOwnLines(text) {
  const source = parse(text);
  const edits = [];
  visit(source, (node) => {
    if (!ts.isFunctionLike(node) || !node.parameters) return;
    // A function type inside an options type is laid out with that type, not on its own.
    if (ts.isTypeNode(node) || ts.isTypeElement(node)) return;
    const literals = node.parameters.filter((p) => p.type && ts.isTypeLiteralNode(p.type) && !text.slice(p.type.getStart(source), p.type.end).includes('\n'));
    if (!literals.length) return;
    const doc = node.jsDoc?.at(-1) ?? (ts.isVariableDeclaration(node.parent) ? node.parent.parent.parent.jsDoc?.at(-1) : undefined);
    const dotted = (doc?.tags ?? []).filter((tag) => ts.isJSDocParameterTag(tag) && ts.isQualifiedName(tag.name));
    const lineStart = text.lastIndexOf('\n', node.getStart(source)) + 1;
    const lineEnd = text.indexOf('\n', node.getStart(source));
    const long = (lineEnd === -1 ? text.length : lineEnd) - lineStart > 120;
    for (const parameter of literals) {
      const members = parameter.type.members;
      const proseOf = (member) => {
        const tag = dotted.find((t) => t.name.right.text === member.name?.getText(source));
        return tag ? commentText(tag.comment) : '';
      };
      if (!long && !members.some(proseOf)) continue;
      const indent = indentAt(text, node.getStart(source));
      const lines = members.map((member) => {
        const said = proseOf(member);
        const line = `${indent}  ${member.getText(source).replace(/[;,]$/, '')};`;
        return said ? `${indent}  /** ${said} */\n${line}` : line;
      });
      edits.push({ start: parameter.type.getStart(source), end: parameter.type.end, text: `{\n${lines.join('\n')}\n${indent}}` });
      for (const tag of dotted.filter((t) => members.some((m) => m.name?.getText(source) === t.name.right.text))) {
        // The tag's whole lines: from the start of its line to the end of its last word's line.
        const from = tag.getStart(source);
        const said = text.slice(from, tag.end).replace(/[\s*]+$/, '');
        const start = text.lastIndexOf('\n', from - 1) + 1;
        const end = text.indexOf('\n', from + said.length) + 1;
        edits.push({ start, end, text: '' });
      }
    }
  });
  return stripEmptyJsDoc(applyEdits(text, dedupe(edits)));
}

function dedupe(edits) {
  const seen = new Set();
  return edits.filter((edit) => {
    const key = `${edit.start}:${edit.end}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

// A JSDoc block whose tags all moved into the code: `/**\n */` on lines of its own.
function stripEmptyJsDoc(text) {
  return text.replace(/^[ \t]*\/\*\*(\s*\*)*\s*\*\/\n/gm, '');
}

// A JSDoc @typedef of a module is visible to every other module; a TypeScript type is when exported.
function exportTypes(text) {
  const source = parse(text);
  const edits = source.statements
    .filter((s) => (ts.isTypeAliasDeclaration(s) || ts.isInterfaceDeclaration(s)) && !s.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword))
    .map((s) => ({ start: s.getStart(source), end: s.getStart(source), text: 'export ' }));
  return applyEdits(text, edits);
}

// `/** @type {Foo} */ (value)` and `/** @satisfies {Foo} */ (value)`: the JSDoc forms of `as` and `satisfies`.
function jsDocCastsToAs(text) {
  // Innermost casts first, one round per level of nesting.
  for (;;) {
    const source = parse(text);
    const edits = [];
    visit(source, (node) => {
      if (!ts.isParenthesizedExpression(node) || !node.jsDoc?.length) return;
      const tag = node.jsDoc.at(-1).tags?.find((t) => ts.isJSDocTypeTag(t) || ts.isJSDocSatisfiesTag(t));
      if (!tag) return;
      const operator = ts.isJSDocTypeTag(tag) ? 'as' : 'satisfies';
      // `as` binds tighter than `??`, `||`, `?:` or `=>`: `(a ?? b) as T`, never `a ?? b as T`.
      const loose = ts.isBinaryExpression(node.expression) || ts.isConditionalExpression(node.expression) || ts.isArrowFunction(node.expression) || ts.isYieldExpression(node.expression);
      const expression = loose ? `(${node.expression.getText(source)})` : node.expression.getText(source);
      const type = tag.typeExpression.type.getText(source);
      const bare = BARE_CAST_PARENTS.has(node.parent.kind) && !ts.isParenthesizedExpression(node.expression);
      const cast = `${expression} ${operator} ${type}`;
      edits.push({ start: node.jsDoc[0].getStart(source), end: node.end, text: bare ? cast : `(${cast})` });
    });
    if (!edits.length) return text;
    const innermost = edits.filter((outer) => !edits.some((inner) => inner !== outer && inner.start >= outer.start && inner.end <= outer.end));
    text = applyEdits(text, innermost);
  }
}
// Where `value as Foo` needs no parentheses of its own.
const BARE_CAST_PARENTS = new Set([
  ts.SyntaxKind.VariableDeclaration,
  ts.SyntaxKind.ReturnStatement,
  ts.SyntaxKind.PropertyAssignment,
  ts.SyntaxKind.ArrayLiteralExpression,
]);

// `import('./config.mjs').Config` in a type becomes `Config`, imported once at the top:
// joined to the module's value import when there is one (`import { load, type Config }`).
function importTypesToImports(text) {
  const source = parse(text);
  const wanted = new Map(); // specifier -> Set of names
  const edits = [];
  // `/** @typedef {import('./logger.mjs').Logger} Logger */`, JSDoc's way to import a type.
  const aliases = new Set();
  for (const statement of source.statements) {
    const type = ts.isTypeAliasDeclaration(statement) && !statement.typeParameters ? statement.type : null;
    if (!type || !ts.isImportTypeNode(type) || !type.qualifier || !ts.isIdentifier(type.qualifier) || type.qualifier.text !== statement.name.text || type.typeArguments) continue;
    const specifier = type.argument.literal.text;
    if (!wanted.has(specifier)) wanted.set(specifier, new Set());
    wanted.get(specifier).add(statement.name.text);
    aliases.add(statement);
    const end = text[statement.end] === '\n' ? statement.end + 1 : statement.end;
    edits.push({ start: statement.getStart(source), end, text: '' });
  }
  visit(source, (node) => {
    if ([...aliases].some((alias) => node.pos >= alias.pos && node.end <= alias.end)) return;
    if (!ts.isImportTypeNode(node) || !node.qualifier || node.isTypeOf) return;
    const specifier = node.argument.literal.text;
    const name = ts.isIdentifier(node.qualifier) ? node.qualifier.text : node.qualifier.getText(source).split('.')[0];
    const rest = ts.isIdentifier(node.qualifier) ? '' : node.qualifier.getText(source).slice(name.length);
    const typeArguments = node.typeArguments ? `<${node.typeArguments.map((t) => t.getText(source)).join(', ')}>` : '';
    if (!wanted.has(specifier)) wanted.set(specifier, new Set());
    wanted.get(specifier).add(name);
    edits.push({ start: node.getStart(source), end: node.end, text: `${name}${rest}${typeArguments}` });
  });
  if (!wanted.size) return text;
  const declared = new Set();
  visit(source, (node) => {
    if ((ts.isTypeAliasDeclaration(node) || ts.isInterfaceDeclaration(node) || ts.isImportSpecifier(node)) && node.name && !aliases.has(node)) {
      declared.add(node.name.text);
    }
  });
  // An import inside a Jinja branch exists in some renders only. A type joins the value import
  // of its module wherever that is (the module may exist only in that branch), and a new
  // `import type` goes before the first tag.
  const firstTag = text.indexOf('/*__JINJA_') === -1 ? text.length : text.indexOf('/*__JINJA_');
  const imports = source.statements.filter(ts.isImportDeclaration);
  const unconditional = imports.filter((statement) => statement.end <= firstTag);
  const added = [];
  for (const [specifier, names] of wanted) {
    for (const name of names) {
      if (declared.has(name) && !importsFrom(imports, specifier, name)) {
        throw new Error(`import('${specifier}').${name} clashes with a name of the module itself; rename one`);
      }
    }
    const fresh = [...names].filter((name) => !importsFrom(imports, specifier, name)).sort();
    if (!fresh.length) continue;
    const valueImport = imports.find(
      (d) => d.moduleSpecifier.text === specifier && !d.importClause?.isTypeOnly && d.importClause?.namedBindings && ts.isNamedImports(d.importClause.namedBindings),
    );
    if (valueImport) {
      const bindings = valueImport.importClause.namedBindings;
      const last = bindings.elements.at(-1);
      edits.push({ start: last.end, end: last.end, text: fresh.map((name) => `, type ${name}`).join('') });
    } else {
      added.push(`import type { ${fresh.join(', ')} } from '${specifier}';`);
    }
  }
  if (added.length) {
    const anchor = unconditional.at(-1);
    // Above the first statement's JSDoc too: that comment belongs to the statement.
    const at = anchor ? anchor.end : Math.min(source.statements[0]?.getStart(source, true) ?? 0, firstTag);
    edits.push({ start: at, end: at, text: anchor ? `\n${added.join('\n')}` : `${added.join('\n')}\n\n` });
  }
  return applyEdits(text, edits);
}

function importsFrom(imports, specifier, name) {
  return imports.some(
    (d) =>
      d.moduleSpecifier.text === specifier &&
      d.importClause?.namedBindings &&
      ts.isNamedImports(d.importClause.namedBindings) &&
      d.importClause.namedBindings.elements.some((e) => e.name.text === name),
  );
}

// The types of @param, @returns, @type and @template moved into the code; the prose stays.
// A tag with nothing left to say goes, and so does a comment left with nothing.
function stripHandedOverJsDoc(text) {
  const source = parse(text);
  const comments = new Map();
  visit(source, (node) => {
    for (const doc of node.jsDoc ?? []) comments.set(doc.pos, doc);
  });
  const edits = [];
  for (const doc of comments.values()) {
    const start = doc.getStart(source);
    const original = text.slice(start, doc.end);
    const stripped = stripTypes(original);
    if (stripped === original) continue;
    if (/^\/\*\*[\s*]*\*\/$/.test(stripped)) {
      const lineStart = text.lastIndexOf('\n', start - 1) + 1;
      const onItsOwnLine = /^\s*$/.test(text.slice(lineStart, start)) && text[doc.end] === '\n';
      edits.push(onItsOwnLine ? { start: lineStart, end: doc.end + 1, text: '' } : { start, end: doc.end + (text[doc.end] === ' ' ? 1 : 0), text: '' });
    } else {
      edits.push({ start, end: doc.end, text: stripped });
    }
  }
  return applyEdits(text, edits);
}

const TYPED_TAG = /@(param|arg|argument|returns?|type|template|property|prop|typedef|callback|satisfies)\b/g;

function stripTypes(comment) {
  const singleLine = !comment.includes('\n');
  const body = comment.slice(3, -2);
  const lines = splitTags(body);
  const kept = [];
  for (const chunk of lines) {
    const match = /^@(\w+)/.exec(chunk.trim().replace(/^\*\s*/, ''));
    if (!match || !TYPED_TAG.test(`@${match[1]}`)) {
      TYPED_TAG.lastIndex = 0;
      kept.push(chunk);
      continue;
    }
    TYPED_TAG.lastIndex = 0;
    const tag = match[1];
    const afterTag = chunk.slice(chunk.indexOf(`@${tag}`) + tag.length + 1);
    const rest = dropBraced(afterTag);
    if (tag === 'template' || tag === 'type' || tag === 'satisfies' || tag === 'typedef' || tag === 'callback') continue;
    if (tag.startsWith('return')) {
      const prose = rest.replace(/\n\s*\*\s?/g, '\n * ').trim();
      if (prose) kept.push(chunk.slice(0, chunk.indexOf('@')) + `@${tag} ${prose}`);
      continue;
    }
    // @param [name=default] prose: a nested name (options.a) or one without prose has nothing to say.
    const paramMatch = /^\s*(\[[^\]]*\]|[\w$.]+)\s*(?:-\s*)?([\s\S]*)$/.exec(rest);
    const prose = paramMatch?.[2].replace(/\n\s*\*\s?/g, '\n * ').trim() ?? '';
    const paramName = paramMatch?.[1].replace(/^\[|\]$/g, '').split('=')[0] ?? '';
    if (prose) kept.push(chunk.slice(0, chunk.indexOf('@')) + `@${tag} ${paramName} ${prose}`);
  }
  let result = kept.join('');
  result = result.replace(/(\n\s*\*\s*)+$/, '').replace(/\s+$/, '');
  const proseLines = result.split('\n').filter((line) => line.trim() && line.trim() !== '*');
  // A comment left with one line of prose reads best on one line.
  if (!singleLine && proseLines.length === 1 && !result.includes('@')) return `/** ${proseLines[0].trim().replace(/^\*\s*/, '')} */`;
  if (!singleLine) result += '\n ';
  if (singleLine) return result.trim() ? `/**${result} */` : '/** */';
  return `/**${result}*/`;
}

// Splits a JSDoc body into the text before the first tag and one chunk per tag (with the line
// prefix that led to it), respecting braces so `{{ a: 1 }}` across lines stays in its tag.
function splitTags(body) {
  const chunks = [];
  let depth = 0;
  let current = '';
  for (let i = 0; i < body.length; i++) {
    const char = body[i];
    if (char === '{') depth++;
    if (char === '}') depth = Math.max(0, depth - 1);
    if (char === '@' && depth === 0 && /(^|\n)\s*\*?\s*$/.test(current.slice(current.lastIndexOf('\n')))) {
      const lineStart = current.lastIndexOf('\n');
      const prefix = lineStart === -1 ? current : current.slice(lineStart);
      chunks.push(lineStart === -1 ? '' : current.slice(0, lineStart));
      current = prefix;
    }
    current += char;
  }
  chunks.push(current);
  return chunks.filter((chunk, index) => index === 0 || chunk.length);
}

function dropBraced(text) {
  const open = text.search(/\S/);
  if (open === -1 || text[open] !== '{') return text;
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    if (text[i] === '}' && --depth === 0) return text.slice(i + 1);
  }
  return text;
}

// `constructor(problems) { this.problems = problems; }` declares a field in JavaScript;
// TypeScript wants it declared in the class body, typed as the parameter it comes from.
function declareConstructorFields(text) {
  const source = parse(text);
  const edits = [];
  visit(source, (node) => {
    if (!ts.isClassLike(node)) return;
    const constructor = node.members.find(ts.isConstructorDeclaration);
    if (!constructor?.body) return;
    const declared = new Set(node.members.map((member) => member.name?.getText(source)).filter(Boolean));
    const fields = [];
    for (const statement of constructor.body.statements) {
      const assignment = ts.isExpressionStatement(statement) && ts.isBinaryExpression(statement.expression) ? statement.expression : null;
      if (!assignment || assignment.operatorToken.kind !== ts.SyntaxKind.EqualsToken) continue;
      const { left, right } = assignment;
      if (!ts.isPropertyAccessExpression(left) || left.expression.kind !== ts.SyntaxKind.ThisKeyword) continue;
      const name = left.name.text;
      if (declared.has(name)) continue;
      const parameter = ts.isIdentifier(right) && constructor.parameters.find((p) => ts.isIdentifier(p.name) && p.name.text === right.text);
      const typed = statement.jsDoc?.at(-1)?.tags?.find(ts.isJSDocTypeTag);
      const type = typed ? typed.typeExpression.type.getText(source) : parameter?.type?.getText(source);
      if (!type) throw new Error(`this.${name} in the constructor of ${node.name?.text ?? 'a class'}: give it a JSDoc @type or declare the field in the class body`);
      declared.add(name);
      fields.push(`${name}: ${type};`);
    }
    if (!fields.length) return;
    // After the fields already declared, else first in the body.
    const index = node.members.indexOf(constructor);
    const indent = indentAt(text, constructor.getStart(source));
    const lines = fields.map((field) => `${indent}${field}\n`).join('');
    if (index > 0) {
      const at = text.indexOf('\n', node.members[index - 1].end) + 1;
      edits.push({ start: at, end: at, text: lines });
    } else {
      const at = text.lastIndexOf('\n', constructor.getStart(source) - 1) + 1;
      edits.push({ start: at, end: at, text: `${lines}\n` });
    }
  });
  return applyEdits(text, edits);
}

// `{ a: string; b: number; }` as the printer writes a one-line type literal; people write `{ a: string; b: number }`.
function tidyTypeLiterals(text) {
  const source = parse(text);
  const edits = [];
  visit(source, (node) => {
    if (!ts.isTypeLiteralNode(node)) return;
    const literal = text.slice(node.getStart(source), node.end);
    if (!literal.includes('\n') && /;\s*\}$/.test(literal)) {
      const close = node.end - 1;
      const semicolon = text.lastIndexOf(';', close);
      edits.push({ start: semicolon, end: close, text: ' ' });
    }
  });
  // Nested literals give nested edits; the outer one's semicolon is outside the inner one.
  return applyEdits(text, edits);
}

// Relative module paths and the file names in strings and comments follow the files to `.ts`;
// the Claude Code hooks stay `.mjs` (they run with Node outside the project's toolchain).
function tsExtensions(text) {
  return text.replace(/([\w@$./-]*)\.mjs\b/g, (whole, path) => (path.includes('.claude/') ? whole : `${path}.ts`));
}

// ----------------------------------------------------------------- helpers --
function parse(text) {
  return ts.createSourceFile(VIRTUAL, text, { languageVersion: ts.ScriptTarget.ES2023, jsDocParsingMode: ts.JSDocParsingMode.ParseAll }, true, ts.ScriptKind.TS);
}

function visit(node, callback) {
  callback(node);
  ts.forEachChild(node, (child) => visit(child, callback));
}

function applyEdits(text, edits) {
  const kept = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  for (let i = 1; i < kept.length; i++) {
    if (kept[i].start < kept[i - 1].end) throw new Error(`overlapping edits at offset ${kept[i].start}`);
  }
  let result = text;
  for (const edit of kept.reverse()) result = result.slice(0, edit.start) + edit.text + result.slice(edit.end);
  return result;
}

// -------------------------------------------------------------------- CLI --
function main(argv) {
  const check = argv[0] === '--check';
  const sources = check ? argv.slice(1) : argv;
  const stale = [];
  const failed = [];
  for (const source of sources) {
    const target = derivedPath(source);
    let derived;
    try {
      derived = deriveTypeScript(readFileSync(source, 'utf8'), source);
    } catch (error) {
      failed.push(`${source}: ${error.message.split('\n')[0]}`);
      continue;
    }
    if (!check) {
      writeFileSync(target, derived);
      continue;
    }
    let current = null;
    try {
      current = readFileSync(target, 'utf8');
    } catch {}
    if (current !== derived) stale.push(target);
  }
  if (failed.length) console.error(`Cannot derive TypeScript from:\n  ${failed.join('\n  ')}`);
  if (stale.length) {
    console.error(`Derived TypeScript is out of date; run \`make typescript\`:\n  ${stale.join('\n  ')}`);
  }
  if (failed.length || stale.length) process.exit(1);
}

if (import.meta.url === `file://${process.argv[1]}`) main(process.argv.slice(2));
