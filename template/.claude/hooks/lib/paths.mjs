// Which files a path touches: the deploy gate's own files (settings, hooks, the
// checklist and its library, the git hooks), a package.json, or the folders where
// the AWS CLI and Wrangler keep credentials. Paths are compared after resolving
// symlinks and in lower case, so neither a link nor macOS's case-insensitive file
// system hides a gate file.
import { readdirSync, realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

const UNKNOWN = '\0';

/** { gate: the gate pattern hit or null, packageJson, credential: the folder hit or null }. */
export function classifyPath(file, projectDir, policy, { shape = null, destructive = false } = {}) {
  const root = real(projectDir);
  if (file !== null) {
    const full = real(file);
    const relative = relativeInside(root, full);
    return {
      gate: relative === null ? null : gateOf(relative, policy, destructive),
      packageJson: relative !== null && path.basename(relative) === 'package.json' && !relative.split('/').includes('node_modules'),
      credential: credentialOf(full, policy),
    };
  }
  // A path computed at run time: could it be one of these?
  const pattern = shapePattern(shape ?? UNKNOWN);
  const gate = gateCandidates(root, policy, destructive).find((candidate) => pattern.test(path.join(root, candidate).toLowerCase()));
  const lowered = (shape ?? '').toLowerCase();
  const credential = policy.credentialDirs.find((directory) => {
    const tail = directory.replace(/^~/, '').toLowerCase();
    return lowered.includes(`${tail}/`) || lowered.endsWith(tail);
  });
  return { gate: gate ? `${gate}, behind a computed path` : null, packageJson: /package\.json$/.test(lowered), credential: credential ?? null };
}

/** The gate pattern `relative` (project-relative, lower case) falls under. */
function gateOf(relative, policy, destructive) {
  const hit = policy.gateFiles.find((glob) => globPattern(glob).test(relative));
  if (hit) return hit;
  // Deleting or moving a folder that holds gate files (or the project itself) removes them too.
  if (destructive && (relative === '' || ancestors(policy).has(relative))) return `${relative || '.'} holds gate files`;
  return null;
}

function credentialOf(full, policy) {
  const lowered = full.toLowerCase();
  return (
    policy.credentialDirs.find((directory) => {
      const absolute = real(path.join(homedir(), directory.replace(/^~\/?/, ''))).toLowerCase();
      return lowered === absolute || lowered.startsWith(`${absolute}/`);
    }) ?? null
  );
}

function ancestors(policy) {
  const folders = new Set();
  for (const glob of policy.gateFiles) {
    const parts = glob.split('/');
    for (let end = 1; end < parts.length; end++) {
      if (parts.slice(0, end).some((part) => part.includes('*'))) break;
      folders.add(parts.slice(0, end).join('/').toLowerCase());
    }
    if (glob.endsWith('/**')) folders.add(glob.slice(0, -3).toLowerCase());
  }
  return folders;
}

/** Project-relative paths of the gate's files as they are now, for matching computed paths. */
function gateCandidates(root, policy, destructive) {
  const files = new Set(policy.gateFiles.filter((glob) => !glob.includes('*')));
  for (const glob of policy.gateFiles.filter((each) => each.endsWith('/**'))) {
    const folder = glob.slice(0, -3);
    files.add(`${folder}/`);
    try {
      for (const entry of readdirSync(path.join(root, folder), { recursive: true })) files.add(`${folder}/${String(entry).split(path.sep).join('/')}`);
    } catch {
      // not there: nothing to match
    }
  }
  if (destructive) for (const folder of ancestors(policy)) files.add(folder);
  return [...files];
}

function globPattern(glob) {
  const source = glob
    .toLowerCase()
    .split('**')
    .map((part) => part.split('*').map(escape).join('[^/]*'))
    .join('.*');
  return new RegExp(`^${source}$`);
}

function shapePattern(shape) {
  const source = shape
    .toLowerCase()
    .split(UNKNOWN)
    .map((part) => part.split(/[*?]/).map(escape).join('[^/]*'))
    .join('.*');
  return new RegExp(`^${source}/?$`);
}

function escape(text) {
  return text.replace(/[.+^${}()|[\]\\]/g, '\\$&');
}

function relativeInside(root, full) {
  const relative = path.relative(root, full);
  if (relative.startsWith('..') || path.isAbsolute(relative)) return null;
  return relative.split(path.sep).join('/').toLowerCase();
}

/** realpath, also for paths that do not exist yet (their nearest existing parent). */
export function real(file) {
  try {
    return realpathSync(file);
  } catch {
    const parent = path.dirname(file);
    return parent === file ? file : path.join(real(parent), path.basename(file));
  }
}

/** Local secret files by convention (.env, .env.local, .dev.vars, …); the .example files are not. */
export function isLocalSecretName(name) {
  if (/\.example$/.test(name)) return false;
  return /^\.env(\..+)?$/.test(name) || /^\.dev\.vars(\..+)?$/.test(name);
}
