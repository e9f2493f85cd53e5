// What a Bash command line would do, as far as the guard can tell from the parsed
// command: which cloud mutations it runs (through wrappers, package scripts, make
// targets and repo scripts), which gate files it writes, which credentials it reads.
// Anything it cannot resolve is reported as such, and the guard treats it as a
// possible deploy. The table of mutations comes from guard-policy.json.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { literal, parseCommandLine, UNKNOWN } from './shell.mjs';
import { classifyPath, isLocalSecretName } from './paths.mjs';

const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'mksh', 'ash', 'fish']);
const NPX_LIKE = new Set(['npx', 'pnpx', 'bunx']);
const MAX_DEPTH = 12;
const MAX_SCRIPT_BYTES = 1_000_000;

// Programs that run the command given after their own options: [value options, positionals before the command].
const WRAPPERS = {
  nohup: [[], 0],
  time: [[], 0],
  exec: [['-a'], 0],
  builtin: [[], 0],
  nice: [['-n', '--adjustment'], 0],
  ionice: [['-c', '-n', '-p', '--class', '--classdata'], 0],
  setsid: [[], 0],
  stdbuf: [['-i', '-o', '-e'], 0],
  chronic: [[], 0],
  unbuffer: [[], 0],
  caffeinate: [['-t', '-w'], 0],
  timeout: [['-s', '--signal', '-k', '--kill-after'], 1],
  sudo: [['-u', '-g', '-h', '-p', '-C', '-D', '-R', '-T', '-U', '--user', '--group', '--host', '--prompt', '--chdir', '--role', '--type', '--other-user'], 0],
  doas: [['-u', '-C'], 0],
  flock: [['-w', '--timeout', '-E', '--conflict-exit-code'], 1],
  xargs: [['-I', '-n', '-P', '-d', '-L', '-l', '-s', '-E', '-a', '--arg-file', '--delimiter', '--max-args', '--max-procs', '--max-lines', '--max-chars', '--eof', '--replace'], 0],
  dotenv: [['-e', '-c', '-v'], 0],
  'cross-env': [[], 0],
  strace: [['-o', '-e', '-p', '-s', '-u'], 0],
};
// Programs whose arguments are text, not files.
const TEXT_ARGUMENTS = new Set(['echo', 'printf', 'true', 'false', ':', 'export', 'alias', 'read']);
// Programs that only look at file names or metadata.
const METADATA = new Set(['ls', 'stat', 'test', '[', '[[', 'du', 'file', 'wc', 'which', 'type', 'realpath', 'readlink', 'dirname', 'basename', 'mkdir', 'cd', 'pushd', 'touch', 'command']);
const PATTERN_FIRST = new Set(['grep', 'egrep', 'fgrep', 'rg', 'ag', 'ack']);
const DESTRUCTIVE = new Set(['rm', 'unlink', 'rmdir', 'shred', 'truncate', 'chmod', 'chown', 'chgrp']);
const COPIERS = new Set(['cp', 'install', 'rsync', 'scp', 'ln', 'mv']);
const NPM_RUN = new Set(['run', 'run-script', 'rum', 'urn']);
const NPM_INSTALL = new Set(['install', 'i', 'in', 'ins', 'inst', 'insta', 'instal', 'isnt', 'isnta', 'isntal', 'isntall', 'add', 'ci', 'clean-install', 'ic', 'install-clean', 'isntall-clean', 'rebuild', 'rb', 'update', 'up', 'upgrade', 'udpate']);
const NPM_INSTALL_TEST = new Set(['it', 'install-test', 'cit', 'install-ci-test', 'clean-install-test', 'sit']);
const NPM_SCRIPT_COMMANDS = { test: 'test', tst: 'test', t: 'test', start: 'start', stop: 'stop', restart: 'restart' };
const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall', 'preprepare', 'prepare', 'postprepare'];
const NPM_VALUE_OPTIONS = new Set(['--prefix', '-C', '--workspace', '-w', '--loglevel', '--userconfig', '--cache', '--registry', '--script-shell', '--tag', '--otp', '--include', '--omit']);
const YARN_BUILTINS = new Set(['add', 'audit', 'bin', 'cache', 'config', 'create', 'dedupe', 'global', 'import', 'info', 'init', 'install', 'licenses', 'link', 'list', 'login', 'logout', 'outdated', 'owner', 'pack', 'policies', 'publish', 'remove', 'tag', 'team', 'unlink', 'unplug', 'upgrade', 'upgrade-interactive', 'version', 'versions', 'why', 'constraints', 'explain', 'npm', 'plugin', 'rebuild', 'set', 'up', 'node', 'help', 'ls', 'outdated', 'store', 'prune', 'env']);

export class CommandAnalyzer {
  /**
   * @param {object} options
   * @param {string} options.projectDir
   * @param {string} options.cwd
   * @param {object} options.policy
   * @param {object} options.parser
   * @param {Map<string, object>} [options.packageJsonOverride]
   */
  constructor({ projectDir, cwd, policy, parser, packageJsonOverride = new Map() }) {
    Object.assign(this, { projectDir, cwd, policy, parser, packageJsonOverride });
    this.findings = [];
    this.via = [];
    this.depth = 0;
    this.seen = new Set();
    this.programs = new Set(policy.mutations.map((mutation) => mutation.program));
    this.valueOptions = Object.fromEntries(Object.entries(policy.globalValueOptions).map(([program, options]) => [program, new Set(options)]));
  }

  /** Findings for one command line: [{ kind, what, via }]. */
  analyze(text) {
    this.line(text);
    return this.findings;
  }

  report(kind, what) {
    const key = `${kind}\0${what}\0${this.via.join('\0')}`;
    if (!this.findings.some((finding) => finding.key === key)) this.findings.push({ key, kind, what, via: [...this.via] });
  }

  unresolved(what) {
    this.report('unresolved', what);
  }

  /** Run `work` one level deeper (a script, a target, a wrapped command string). */
  nested(step, work, cwd = this.cwd) {
    if (this.depth >= MAX_DEPTH) return this.unresolved(`${step} nests more than ${MAX_DEPTH} levels deep`);
    const saved = { cwd: this.cwd, via: this.via };
    Object.assign(this, { cwd, via: [...this.via, step], depth: this.depth + 1 });
    try {
      work();
    } finally {
      Object.assign(this, { ...saved, depth: this.depth - 1 });
    }
  }

  line(text) {
    const parsed = parseCommandLine(this.parser, text);
    if (parsed.hasError) return this.lexical(text, 'the shell parser cannot read all of it');
    for (const redirect of parsed.redirects) this.redirect(redirect);
    for (const command of parsed.commands) this.command(command.words, command);
  }

  /** No parse: every word that names a deploy tool or an indirection counts. */
  lexical(text, why) {
    const words = text.split(/[\s;&|()<>"'`=]+/).filter(Boolean);
    const risky = words.find((word) => this.programs.has(programName(word)) || RISKY_WORDS.has(programName(word)));
    if (risky || /\$\(|`|\$\{?[A-Za-z_]/.test(text)) this.unresolved(`\`${text.trim().slice(0, 120)}\`: ${why}`);
    if (/\.aws\b|\.wrangler\b/.test(text)) this.report('credential-read', `\`${text.trim().slice(0, 120)}\` names a credential folder`);
  }

  redirect({ op, target }) {
    if (!target) return;
    if (['>', '>>', '>|', '&>', '&>>', '<>'].includes(op) || (op === '>&' && !/^\d+$|^-$/.test(target.value ?? ''))) this.written(target, false);
    else if (op === '<') this.read(target);
  }

  command(words, { redirects = [], stdin } = {}) {
    for (const redirect of redirects) this.redirect(redirect);
    if (!words.length) return;
    const [name, ...args] = words;
    if (name.value === null || name.wild) return this.unresolved(`the program name \`${display(name)}\` is computed at run time`);
    const program = programName(name.value);
    const shown = `\`${words.map(display).join(' ').slice(0, 160)}\``;
    this.fileEffects(program, args);
    if (program === 'cd' && args[0]?.value) this.cwd = path.resolve(this.cwd, expandHome(args[0].value));
    if (SHELLS.has(program)) return this.nested(shown, () => this.shell(program, args, stdin));
    if (program === 'eval') return this.unresolved(`${shown} runs a string as a command`);
    if (program === 'source' || program === '.') return args[0] && this.nested(shown, () => this.scriptFile(args[0], 'shell'));
    if (program === 'env') return this.env(args, shown);
    if (program === 'command' && /^-[vV]$/.test(args[0]?.value ?? '')) return;
    if (program === 'command' || WRAPPERS[program]) return this.wrapped(program, args, shown);
    if (program === 'watch') return this.nested(shown, () => this.watch(args));
    if (program === 'find') return this.findExec(args, shown);
    if (NPX_LIKE.has(program)) return this.nested(shown, () => this.npx(args));
    if (program === 'npm') return this.nested(shown, () => this.npm(args));
    if (program === 'yarn' || program === 'pnpm' || program === 'bun') return this.nested(shown, () => this.packageManager(program, args));
    if (program === 'make' || program === 'gmake') return this.nested(shown, () => this.make(args));
    if (program === 'node' || program === 'nodejs') return this.nested(shown, () => this.node(args));
    if (/^python(\d(\.\d+)?)?$/.test(program)) return this.nested(shown, () => this.python(args));
    if (program === 'git') this.git(args);
    const mutation = this.matchMutation(program, args);
    if (mutation) this.report(mutation.decision === 'deny' ? 'denied' : 'mutation', shown);
    if (name.value.includes('/') && !/(^|\/)node_modules\/\.bin\//.test(name.value)) {
      const file = path.resolve(this.cwd, expandHome(name.value));
      if (isInside(this.projectDir, file)) this.nested(shown, () => this.scriptFile(literal(file), 'auto'));
    }
  }

  // ---------------------------------------------------------------- wrappers --

  shell(program, args, stdin) {
    for (let index = 0; index < args.length; index++) {
      const arg = args[index];
      if (arg.value === null) return this.unresolved(`\`${program}\` gets an option computed at run time`);
      const value = arg.value;
      if (value === '--') return args[index + 1] ? this.scriptFile(args[index + 1], 'shell') : this.fromStdin(program, stdin);
      if (/^-[a-zA-Z]*c[a-zA-Z]*$/.test(value)) {
        const script = args[index + 1];
        if (!script) return;
        return script.value === null ? this.unresolved(`\`${program} -c\` runs a string computed at run time`) : this.line(script.value);
      }
      if (['-o', '+o', '-O', '+O', '--rcfile', '--init-file'].includes(value)) index++;
      else if (!value.startsWith('-') && !value.startsWith('+')) return this.scriptFile(arg, 'shell');
    }
    this.fromStdin(program, stdin);
  }

  fromStdin(program, stdin) {
    if (typeof stdin === 'string') return this.line(stdin);
    this.unresolved(`\`${program}\` runs commands from its standard input`);
  }

  env(args, shown) {
    for (let index = 0; index < args.length; index++) {
      const value = args[index].value;
      if (value === null) return this.unresolved(`${shown} has words computed at run time`);
      if (['-S', '--split-string'].includes(value)) return args[index + 1]?.value != null ? this.nested(shown, () => this.line(args[index + 1].value)) : this.unresolved(`${shown} splits a string computed at run time`);
      if (['-u', '--unset', '-C', '--chdir'].includes(value)) index++;
      else if (value.startsWith('-') || /^[A-Za-z_][A-Za-z0-9_]*=/.test(value)) continue;
      else return this.nested(shown, () => this.command(args.slice(index)));
    }
  }

  wrapped(program, args, shown) {
    const [valueOptions, positionals] = WRAPPERS[program] ?? [[], 0];
    let candidates = commandCandidates(program === 'cross-env' ? args.filter((arg) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(arg.value ?? '')) : args, new Set(valueOptions), positionals);
    if (program === 'flock' && args.some((arg) => ['-c', '--command'].includes(arg.value))) {
      const script = args[args.findIndex((arg) => ['-c', '--command'].includes(arg.value)) + 1];
      return script?.value != null ? this.nested(shown, () => this.line(script.value)) : this.unresolved(`${shown} runs a string computed at run time`);
    }
    // xargs appends the words it reads to the command.
    if (program === 'xargs') candidates = candidates.length ? candidates.map((words) => [...words, { value: null, shape: UNKNOWN, wild: true }]) : [[literal('echo')]];
    for (const words of candidates) this.nested(shown, () => this.command(words));
  }

  watch(args) {
    const [words] = commandCandidates(args, new Set(['-n', '--interval', '-q', '--equexit']), 0);
    if (!words?.length) return;
    if (words.length === 1 && words[0].value !== null) return this.line(words[0].value);
    this.command(words);
  }

  findExec(args, shown) {
    for (let index = 0; index < args.length; index++) {
      if (!['-exec', '-execdir', '-ok', '-okdir'].includes(args[index].value)) continue;
      const end = args.findIndex((arg, at) => at > index && (arg.value === ';' || arg.value === '+'));
      const words = args.slice(index + 1, end === -1 ? undefined : end).map((arg) => (arg.value === '{}' ? { value: null, shape: UNKNOWN, wild: true } : arg));
      this.nested(shown, () => this.command(words));
    }
  }

  npx(args) {
    for (let index = 0; index < args.length; index++) {
      const arg = args[index];
      if (arg.value === null) return this.unresolved('npx runs a package named at run time');
      const value = arg.value;
      if (value === '--') return args[index + 1] && this.command([binOf(args[index + 1]), ...args.slice(index + 2)]);
      if (value === '-c' || value === '--call' || value.startsWith('--call=')) {
        const call = value.startsWith('--call=') ? literal(value.slice(7)) : args[index + 1];
        return call?.value != null ? this.line(call.value) : this.unresolved('npx -c runs a string computed at run time');
      }
      if (['-p', '--package', '--prefix', '-w', '--workspace', '--cache', '--registry', '--userconfig', '--loglevel', '--node-options', '--shell'].includes(value)) index++;
      else if (!value.startsWith('-')) return this.command([binOf(arg), ...args.slice(index + 1)]);
    }
  }

  node(args) {
    for (let index = 0; index < args.length; index++) {
      const arg = args[index];
      if (arg.value === null) return this.unresolved('node gets an argument computed at run time');
      const value = arg.value;
      if (value === '--run' || value.startsWith('--run=')) {
        const name = value === '--run' ? args[index + 1] : literal(value.slice(6));
        return name && this.script(this.cwd, name, { prePost: false, extra: args.slice(index + (value === '--run' ? 2 : 1)) });
      }
      if (['-e', '--eval', '-p', '--print'].includes(value)) return args[index + 1] && this.programText(args[index + 1], 'node --eval');
      if (['-c', '--check', '-v', '--version', '-h', '--help'].includes(value)) return; // checks syntax or prints, runs nothing
      if (value === '--test' || value.startsWith('--test=')) return; // test files are not read (README: what the guard cannot see)
      const bin = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(value);
      if (bin) return this.command([binOf(literal(bin[1])), ...args.slice(index + 1)]);
      if (['-r', '--require', '--import', '--loader', '--experimental-loader', '--env-file', '-C', '--conditions', '--input-type', '--title', '--stack-size'].includes(value)) index++;
      else if (!value.startsWith('-')) return this.scriptFile(arg, 'auto');
    }
  }

  python(args) {
    for (let index = 0; index < args.length; index++) {
      const value = args[index].value;
      if (value === null) return this.unresolved('python gets an argument computed at run time');
      if (value === '-m') {
        const module = args[index + 1]?.value;
        const program = { samcli: 'sam', awscli: 'aws' }[module];
        return program && this.command([literal(program), ...args.slice(index + 2)]);
      }
      if (value === '-c') return args[index + 1] && this.programText(args[index + 1], 'python -c');
      if (['-W', '-X', '--check-hash-based-pycs'].includes(value)) index++;
      else if (!value.startsWith('-')) return this.scriptFile(args[index], 'auto');
    }
  }

  git(args) {
    const lower = args.map((arg) => (arg.value ?? '').toLowerCase());
    const at = lower.indexOf('core.hookspath');
    if (lower.includes('config') && at !== -1 && (lower.includes('--unset') || (args[at + 1] && args[at + 1].value !== '.githooks'))) {
      this.report('gate-write', '`git config core.hooksPath` would switch the git hooks in .githooks off');
    }
  }

  // ----------------------------------------------------------- package scripts --

  npm(args) {
    let dir = this.cwd;
    let extra = [];
    let ignoreScripts = false;
    const positionals = [];
    for (let index = 0; index < args.length; index++) {
      const arg = args[index];
      const value = arg.value;
      if (value === null) {
        if (positionals.length < 2) return this.unresolved('npm runs a command named at run time');
        positionals.push(arg);
      } else if (value === '--') {
        extra = args.slice(index + 1);
        break;
      } else if (value === '--prefix' || value === '-C' || value.startsWith('--prefix=')) {
        const target = value.startsWith('--prefix=') ? value.slice(9) : args[++index]?.value;
        if (target == null) return this.unresolved('npm --prefix names a folder computed at run time');
        dir = path.resolve(this.cwd, expandHome(target));
      } else if (['-w', '--workspace', '--workspaces', '-ws'].includes(value) || value.startsWith('--workspace')) {
        return this.unresolved('npm runs scripts of workspaces, which the guard does not follow');
      } else if (value === '--ignore-scripts') ignoreScripts = true;
      else if (NPM_VALUE_OPTIONS.has(value)) index++;
      else if (!value.startsWith('-')) positionals.push(arg);
    }
    const [sub, ...rest] = positionals;
    if (!sub) return;
    const command = sub.value;
    if (NPM_RUN.has(command)) return rest[0] && this.script(dir, rest[0], { prePost: !ignoreScripts, extra: [...rest.slice(1), ...extra] });
    if (NPM_SCRIPT_COMMANDS[command]) {
      const names = command === 'restart' ? ['restart', 'stop', 'start'] : [NPM_SCRIPT_COMMANDS[command]];
      for (const name of names) this.script(dir, literal(name), { prePost: !ignoreScripts, extra: [...rest, ...extra] });
      return;
    }
    if (NPM_INSTALL.has(command) || NPM_INSTALL_TEST.has(command)) {
      if (!ignoreScripts) for (const name of INSTALL_SCRIPTS) this.script(dir, literal(name), { prePost: false });
      if (NPM_INSTALL_TEST.has(command)) this.script(dir, literal('test'), { prePost: !ignoreScripts });
      return;
    }
    if (command === 'exec' || command === 'x') return this.npx([...rest, ...extra]);
    if (command === 'explore') return extra.length && this.command(extra);
    if (command === 'pkg' && rest[0]?.value === 'set') {
      for (const pair of rest.slice(1)) {
        const match = /^scripts\.([^=]+)=([\s\S]*)$/.exec(pair.value ?? '');
        if (match) this.nested(`new package.json script "${match[1]}": ${match[2]}`, () => this.line(match[2]), dir);
        else if (pair.value === null) this.unresolved('`npm pkg set` sets a value computed at run time');
      }
      return;
    }
    if (command === 'set-script' && rest[1]) return rest[1].value === null ? this.unresolved('`npm set-script` sets a script computed at run time') : this.nested(`new package.json script "${rest[0]?.value}"`, () => this.line(rest[1].value), dir);
    if (command === 'pack' || command === 'publish') {
      for (const name of ['prepack', 'prepare', 'postpack', ...(command === 'publish' ? ['prepublishOnly', 'publish', 'postpublish'] : [])]) this.script(dir, literal(name), { prePost: false });
    }
  }

  packageManager(manager, args) {
    let dir = this.cwd;
    const positionals = [];
    let extra = [];
    for (let index = 0; index < args.length; index++) {
      const arg = args[index];
      const value = arg.value;
      if (value === null) {
        if (!positionals.length) return this.unresolved(`${manager} runs a command named at run time`);
        positionals.push(arg);
      } else if (value === '--') {
        extra = args.slice(index + 1);
        break;
      } else if (['--cwd', '-C', '--dir'].includes(value) || /^--(cwd|dir)=/.test(value)) {
        const target = value.includes('=') ? value.split('=').slice(1).join('=') : args[++index]?.value;
        if (target == null) return this.unresolved(`${manager} names a folder computed at run time`);
        dir = path.resolve(this.cwd, expandHome(target));
      } else if (['--filter', '-F', '-r', '--recursive', '--workspaces'].includes(value) || value.startsWith('--filter')) {
        return this.unresolved(`${manager} runs scripts of several packages, which the guard does not follow`);
      } else if (!value.startsWith('-')) positionals.push(arg);
    }
    const [sub, ...rest] = positionals;
    const command = sub?.value;
    const scripts = this.scriptsOf(dir);
    if (!sub || ['install', 'i', 'add', 'ci'].includes(command)) {
      for (const name of INSTALL_SCRIPTS) this.script(dir, literal(name), { prePost: false });
      return;
    }
    if (command === 'run' || command === 'run-script') return rest[0] && this.script(dir, rest[0], { prePost: true, extra: [...rest.slice(1), ...extra] });
    if (command === 'workspace' || command === 'workspaces') return this.unresolved(`${manager} ${command} runs scripts of other packages`);
    if (command === 'dlx' || command === 'x') return this.npx([...rest, ...extra]);
    if (command === 'exec') return this.command([...rest, ...extra]);
    if (typeof scripts[command] === 'string' || ['test', 't', 'start'].includes(command)) return this.script(dir, literal({ t: 'test' }[command] ?? command), { prePost: true, extra: [...rest, ...extra] });
    if (manager === 'bun' && /\.[cm]?[jt]sx?$/.test(command)) return this.scriptFile(sub, 'auto');
    if (YARN_BUILTINS.has(command)) return;
    // An unknown subcommand runs the package binary of that name.
    this.command([sub, ...rest, ...extra]);
  }

  scriptsOf(dir) {
    const override = this.packageJsonOverride.get(path.resolve(dir));
    if (override) return override.scripts ?? {};
    try {
      const scripts = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).scripts;
      return scripts && typeof scripts === 'object' ? scripts : {};
    } catch {
      return {};
    }
  }

  /** Run a package.json script (and its pre/post scripts) as npm would: `sh -c "<script> <extra>"`. */
  script(dir, nameWord, { prePost, extra = [] }) {
    if (nameWord.value === null) return this.unresolved('a package script named at run time');
    const name = nameWord.value;
    const scripts = this.scriptsOf(dir);
    for (const each of prePost ? [`pre${name}`, name, `post${name}`] : [name]) {
      const text = scripts[each];
      if (typeof text !== 'string') continue;
      const key = `${path.resolve(dir)}\0${each}\0${extra.map(display).join(' ')}`;
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      const full = each === name && extra.length ? `${text} ${extra.map(quoteWord).join(' ')}` : text;
      this.nested(`package.json script "${each}": ${text}`, () => this.line(full), dir);
    }
  }

  // ------------------------------------------------------------------ make --

  make(args) {
    let dir = this.cwd;
    let file = null;
    const goals = [];
    const overrides = {};
    for (let index = 0; index < args.length; index++) {
      const value = args[index].value;
      if (value === null) return this.unresolved('make gets an argument computed at run time');
      const takesValue = (short, long) => value === short || value === long || value.startsWith(`${long}=`);
      const valueOf = (long) => (value.startsWith(`${long}=`) ? value.slice(long.length + 1) : args[++index]?.value);
      if (['-n', '--dry-run', '--just-print', '--recon', '-q', '--question', '-t', '--touch'].includes(value)) return;
      if (takesValue('-C', '--directory')) dir = path.resolve(this.cwd, expandHome(valueOf('--directory') ?? '.'));
      else if (takesValue('-f', '--file') || value.startsWith('--makefile')) file = valueOf(value.startsWith('--makefile') ? '--makefile' : '--file');
      else if (value.startsWith('--eval')) return this.unresolved('`make --eval` runs make code given on the command line');
      else if (['-j', '-l'].includes(value) && /^\d+$/.test(args[index + 1]?.value ?? '')) index++;
      else if (['-I', '-W', '-o', '--include-dir', '--what-if', '--old-file'].includes(value)) index++;
      else if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(value)) overrides[value.split('=')[0]] = value.split('=').slice(1).join('=');
      else if (!value.startsWith('-')) goals.push(value);
    }
    const makefile = file ? path.resolve(dir, file) : ['GNUmakefile', 'makefile', 'Makefile'].map((name) => path.join(dir, name)).find((candidate) => existsSync(candidate));
    if (!makefile || !existsSync(makefile)) return;
    const parsed = parseMakefile(readFileSync(makefile, 'utf8'));
    Object.assign(parsed.vars, overrides);
    const seen = new Set();
    for (const goal of goals.length ? goals : [parsed.first].filter(Boolean)) this.makeTarget(goal, parsed, seen, dir, path.relative(this.projectDir, makefile));
  }

  makeTarget(target, parsed, seen, dir, makefileName) {
    if (seen.has(target)) return;
    seen.add(target);
    const rule = parsed.rules.get(target);
    if (!rule) return parsed.includes && this.unresolved(`make target ${target} may come from a file ${makefileName} includes`);
    for (const prerequisite of rule.prerequisites) this.makeTarget(prerequisite, parsed, seen, dir, makefileName);
    for (const recipe of rule.recipe) {
      const command = expandMake(recipe.replace(/^[\s@+-]+/, ''), parsed.vars, target, rule.prerequisites);
      this.nested(`${makefileName} target ${target}: ${recipe.trim()}`, () => this.line(command), dir);
    }
  }

  // ------------------------------------------------------------ repo scripts --

  scriptFile(word, kind) {
    if (word.value === null || word.wild) return this.unresolved(`a script named at run time (\`${display(word)}\`)`);
    const file = path.resolve(this.cwd, expandHome(word.value));
    const shown = path.relative(this.projectDir, file) || file;
    // The gate's own scripts cannot be edited by Claude (settings deny, guard, sandbox).
    if (classifyPath(file, this.projectDir, this.policy).gate) return;
    let text;
    try {
      if (statSync(file).size > MAX_SCRIPT_BYTES) return this.unresolved(`${shown} is too large to read`);
      text = readFileSync(file, 'utf8');
    } catch {
      return this.unresolved(`${shown} does not exist yet, so what it runs cannot be read`);
    }
    const shebang = /^#!(.*)/.exec(text)?.[1] ?? '';
    const isShell = kind === 'shell' || /\b(ba|z|da|k|mk)?sh\b/.test(shebang) || (!shebang && /\.(sh|bash|zsh)$/.test(file)) || (!shebang && !/\.[a-z]+$/.test(file));
    this.nested(shown, () => (isShell ? this.line(text) : this.programText(literal(text), shown)));
  }

  /**
   * A program in another language (JavaScript, Python, …): the guard reads its string
   * literals and looks for the command lines and argument lists they spell, e.g.
   * spawn('sam', ['deploy']) or execSync('npx wrangler deploy'), and for SDK clients
   * that change deployments.
   */
  programText(word, shown) {
    if (word.value === null) return this.unresolved(`${shown} runs code computed at run time`);
    const text = word.value;
    const sdk = /@aws-sdk\/client-(lambda|cloudformation|iam|api-gateway|apigatewayv2|secrets-manager|ssm|cloudwatch-logs|eventbridge)\b/.test(text) && /\b(Update|Create|Delete|Put|Publish|Add|Remove|Execute)[A-Za-z]*Command\b/.test(text);
    if (sdk || /api\.cloudflare\.com/.test(text)) this.report('mutation', `${shown} calls the ${sdk ? 'AWS' : 'Cloudflare'} API to change the account`);
    // Comments say what code does; they do not run.
    const lines = text.split(/\r?\n/).map((line) => (/^\s*(\/\/|#|\*|\/\*)/.test(line) ? '' : line.replace(/\s\/\/\s.*$/, '')));
    lines.forEach((_, index) => {
      const window = lines.slice(index, index + 3).join('\n');
      const literals = [...lines[index].matchAll(/(['"`])((?:\\.|(?!\1)[^\\\n])*)\1/g)].map((match) => match[2]);
      const tokens = [...window.matchAll(/(['"`])((?:\\.|(?!\1)[^\\\n])*)\1/g)].flatMap((match) => match[2].split(/\s+/)).filter(Boolean);
      this.quietly(`${shown}:${index + 1}`, () => {
        for (const each of literals) if (/\s/.test(each)) this.line(each);
        tokens.forEach((token, at) => {
          if (this.programs.has(programName(token)) || NPX_LIKE.has(token)) this.command(tokens.slice(at).map(literal));
        });
      });
    });
  }

  /** Keep only what clearly deploys: string literals are not all commands. */
  quietly(step, work) {
    const saved = this.findings;
    this.findings = [];
    this.nested(step, work);
    const found = this.findings.filter((finding) => finding.kind === 'mutation' || finding.kind === 'denied');
    this.findings = saved;
    for (const finding of found) if (!saved.some((each) => each.key === finding.key)) saved.push(finding);
  }

  // ------------------------------------------------------- the mutation table --

  matchMutation(program, args) {
    if (args.some((arg) => arg.value === '--help')) return null; // prints the help only
    for (const mutation of this.policy.mutations) {
      if (mutation.program !== program) continue;
      if (!matchesWords(args, mutation.words, this.valueOptions[program] ?? new Set())) continue;
      if (mutation.dry_run_flag && isDryRun(args, mutation.dry_run_flag)) continue;
      if (mutation.only_with_flag && !hasFlag(args, mutation.only_with_flag)) continue;
      return mutation;
    }
    return null;
  }

  // ------------------------------------------------------------- file effects --

  fileEffects(program, args) {
    const positionals = args.filter((arg) => arg.value === null || !arg.value.startsWith('-') || arg.value === '-');
    for (const arg of args) if (arg.value?.startsWith('-') && arg.value.includes('=')) this.credential(literal(arg.value.split('=').slice(1).join('=')));
    if (TEXT_ARGUMENTS.has(program)) return;
    if (COPIERS.has(program)) {
      const targetAt = args.findIndex((arg) => arg.value === '-t' || arg.value === '--target-directory');
      const target = targetAt !== -1 ? args[targetAt + 1] : positionals.at(-1);
      const sources = positionals.filter((arg) => arg !== target);
      if (target) this.written(target, false);
      // Into a folder: the copy lands under the source's name.
      const intoFolder = target && (target.value === null || target.value.endsWith('/') || isDirectory(path.resolve(this.cwd, expandHome(target.value))));
      for (const source of sources) {
        if (intoFolder) this.written({ value: target.value && path.join(target.value, path.basename(source.value ?? '')), shape: `${target.shape}/${path.basename(source.shape)}`, raw: `${display(target)}/${path.basename(display(source))}` }, false);
        if (program === 'mv') this.written(source, true);
        this.read(source);
      }
      return;
    }
    if (program === 'tee') return positionals.forEach((arg) => this.written(arg, false));
    if ((program === 'sed' || program === 'perl' || program === 'ruby') && args.some((arg) => /^-[a-zA-Z]*i|^--in-place/.test(arg.value ?? ''))) return positionals.forEach((arg) => this.written(arg, false));
    if (DESTRUCTIVE.has(program)) return positionals.forEach((arg) => this.written(arg, true));
    if (program === 'dd') {
      for (const arg of args) {
        if (arg.value?.startsWith('of=')) this.written(literal(arg.value.slice(3)), false);
        if (arg.value?.startsWith('if=')) this.read(literal(arg.value.slice(3)));
      }
      return;
    }
    if (program === 'git' && ['mv', 'rm', 'checkout', 'restore', 'apply', 'clean'].includes(positionals[0]?.value)) return positionals.slice(1).forEach((arg) => this.written(arg, true));
    if (METADATA.has(program)) return positionals.forEach((arg) => this.credential(arg));
    (PATTERN_FIRST.has(program) ? positionals.slice(1) : positionals).forEach((arg) => this.read(arg));
  }

  written(word, destructive) {
    const found = classifyPath(word.value === null ? null : path.resolve(this.cwd, expandHome(word.value)), this.projectDir, this.policy, { shape: resolveShape(word.shape, this.cwd), destructive });
    if (found.gate) this.report('gate-write', `\`${display(word)}\` is part of the deploy gate (${found.gate})`);
    else if (found.packageJson) this.report('package-json-write', `\`${display(word)}\` is a package.json; change its scripts with the Edit or Write tool, so the guard checks them`);
  }

  read(word) {
    this.credential(word);
    const name = path.basename(word.value ?? word.shape);
    if (isLocalSecretName(name)) this.report('secret-file-read', `\`${display(word)}\` holds local secrets`);
  }

  credential(word) {
    const found = classifyPath(word.value === null ? null : path.resolve(this.cwd, expandHome(word.value)), this.projectDir, this.policy, { shape: resolveShape(word.shape, this.cwd) });
    if (found.credential) this.report('credential-read', `\`${display(word)}\` is in ${found.credential}, where deploy credentials live`);
  }
}

const RISKY_WORDS = new Set(['npx', 'pnpx', 'bunx', 'npm', 'yarn', 'pnpm', 'bun', 'node', 'make', 'gmake', 'eval', 'source', 'sh', 'bash', 'zsh', 'dash', 'ksh', 'python', 'python3', 'xargs', 'env', 'sudo', 'watch', 'timeout', 'nohup', 'exec', 'find', 'samcli', 'awscli']);

/** The program a command word runs: its basename, lower case, without a Windows extension. */
export function programName(word) {
  return path.basename(String(word)).toLowerCase().replace(/\.(exe|cmd|bat|ps1)$/, '');
}

function binOf(word) {
  if (word.value === null) return word;
  const spec = word.value;
  const name = spec.startsWith('@') ? spec.split('/')[1]?.split('@')[0] ?? spec : spec.split('@')[0];
  return literal({ 'aws-cdk': 'cdk', 'aws-sam-cli': 'sam' }[name] ?? name);
}

function display(word) {
  return word.value ?? word.raw ?? word.shape.replaceAll(UNKNOWN, '…');
}

function quoteWord(word) {
  if (word.value === null) return '"$__GUARD_COMPUTED"';
  return `'${word.value.replaceAll("'", `'\\''`)}'`;
}

function expandHome(value) {
  return value === '~' || value.startsWith('~/') ? path.join(homedir(), value.slice(1)) : value;
}

function resolveShape(shape, cwd) {
  const expanded = expandHome(shape);
  return expanded.startsWith('/') || expanded.startsWith(UNKNOWN) ? expanded : path.join(cwd, expanded);
}

function isDirectory(file) {
  try {
    return statSync(file).isDirectory();
  } catch {
    return false;
  }
}

function isInside(root, file) {
  const relative = path.relative(root, file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) && !relative.split(path.sep).includes('node_modules');
}

/**
 * Whether the program's subcommand is `words`: the first positional arguments, past
 * its options. Options the table does not know are tried both with and without a
 * value, and a word computed at run time could be anything, so both count as a match.
 */
function matchesWords(args, words, valueOptions) {
  const memo = new Map();
  const match = (index, at) => {
    if (at === words.length) return true;
    if (index >= args.length || index > 40) return false;
    const key = index * 100 + at;
    if (memo.has(key)) return memo.get(key);
    const arg = args[index];
    let result;
    if (arg.value === null || arg.wild) result = true;
    else if (arg.value === '--') result = args.slice(index + 1, index + 1 + words.length - at).every((each, offset) => each.value === null || each.wild || wordMatches(words[at + offset], each.value)) && args.length - index - 1 >= words.length - at;
    else if (arg.value.startsWith('-') && arg.value.length > 1) {
      if (arg.value.includes('=')) result = match(index + 1, at);
      else if (valueOptions.has(arg.value)) result = match(index + 2, at);
      else result = match(index + 1, at) || match(index + 2, at);
    } else result = wordMatches(words[at], arg.value) && match(index + 1, at + 1);
    memo.set(key, result);
    return result;
  };
  return match(0, 0);
}

function wordMatches(pattern, value) {
  if (pattern === '*') return true;
  if (pattern.endsWith('*')) return value.startsWith(pattern.slice(0, -1));
  return pattern === value;
}

/** yargs-style booleans: `--dry-run`, `--dry-run true` hold; `--dry-run false`, `--dry-run=false`, `--no-dry-run` do not. */
function isDryRun(args, flag) {
  if (args.some((arg) => arg.value === null || arg.wild)) return false;
  let dryRun = false;
  for (let index = 0; index < args.length; index++) {
    const value = args[index].value;
    if (value === flag) {
      const next = args[index + 1]?.value;
      if (next === 'false' || next === 'true') index++;
      dryRun = next !== 'false';
    } else if (value.startsWith(`${flag}=`)) dryRun = value.slice(flag.length + 1) === 'true';
    else if (value === `--no-${flag.slice(2)}`) dryRun = false;
  }
  return dryRun;
}

function hasFlag(args, flag) {
  return args.some((arg, index) => arg.value === null || arg.wild || (arg.value === flag && args[index + 1]?.value !== 'false') || (arg.value.startsWith(`${flag}=`) && arg.value !== `${flag}=false`));
}

/** Enough of a Makefile to follow a target: variables, rules, recipes. */
function parseMakefile(text) {
  const vars = {};
  const rules = new Map();
  let first = null;
  let current = [];
  let includes = false;
  for (const line of text.replace(/\\\r?\n/g, ' ').split(/\r?\n/)) {
    if (line.startsWith('\t')) {
      for (const rule of current) rule.recipe.push(line.slice(1));
      continue;
    }
    const code = line.replace(/(^|[^\\])#.*$/, '$1').trim();
    if (!code) continue;
    const assignment = /^(?:export\s+|override\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*(:{1,3}=|\?=|\+=|!=|=)\s*(.*)$/.exec(code);
    if (assignment) {
      const [, name, op, value] = assignment;
      vars[name] = op === '!=' ? null : op === '+=' ? `${vars[name] ?? ''} ${value}` : op === '?=' ? (vars[name] ?? value) : value;
      current = [];
      continue;
    }
    const rule = /^([^:=]+?)\s*::?\s*([^=].*)?$/.exec(code);
    if (rule) {
      const [prerequisites, inline] = (rule[2] ?? '').split(/;(.*)/s);
      current = [];
      for (const target of rule[1].split(/\s+/)) {
        if (target.includes('%')) continue;
        const entry = rules.get(target) ?? { prerequisites: [], recipe: [] };
        entry.prerequisites.push(...prerequisites.split(/\s+/).filter(Boolean));
        if (inline?.trim()) entry.recipe.push(inline.trim());
        rules.set(target, entry);
        current.push(entry);
        if (!first && !target.startsWith('.')) first = target;
      }
      continue;
    }
    current = [];
    if (/^-?include\b|^sinclude\b/.test(code)) includes = true;
  }
  return { vars, rules, first, includes };
}

/** Make's expansion of a recipe line; what make would compute stays a computed word. */
function expandMake(text, vars, target, prerequisites, depth = 0) {
  let out = '';
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (char !== '$') {
      out += char;
      continue;
    }
    const next = text[index + 1];
    if (next === '$') {
      out += '$';
      index++;
    } else if (next === '(' || next === '{') {
      const close = next === '(' ? ')' : '}';
      let level = 0;
      let end = index + 1;
      for (; end < text.length; end++) {
        if (text[end] === next) level++;
        else if (text[end] === close && --level === 0) break;
      }
      const inner = text.slice(index + 2, end);
      index = end;
      if (inner.startsWith('shell ')) out += `$(${expandMake(inner.slice(6), vars, target, prerequisites, depth + 1)})`;
      else if (inner === 'MAKE') out += 'make';
      else if (Object.hasOwn(vars, inner) && vars[inner] !== null && depth < 5) out += expandMake(vars[inner], vars, target, prerequisites, depth + 1);
      else out += '"$__GUARD_COMPUTED"';
    } else {
      out += { '@': target, '<': prerequisites[0] ?? '', '^': prerequisites.join(' '), '+': prerequisites.join(' ') }[next] ?? '"$__GUARD_COMPUTED"';
      index++;
    }
  }
  return out;
}

/** Candidate commands behind a wrapper's options (an unknown option may or may not take a value). */
function commandCandidates(args, valueOptions, positionals) {
  const out = [];
  const walk = (index, skip, branches) => {
    if (index >= args.length || out.length > 4) return;
    const arg = args[index];
    if (arg.value === null || arg.wild) return out.push(args.slice(index));
    const value = arg.value;
    if (value === '--') return walk(index + 1, skip, branches);
    if (value.startsWith('-') && value.length > 1) {
      if (value.includes('=') || /^-[a-zA-Z]\d+$/.test(value)) return walk(index + 1, skip, branches);
      if (valueOptions.has(value)) return walk(index + 2, skip, branches);
      walk(index + 1, skip, branches + 1);
      if (branches < 4) walk(index + 2, skip, branches + 1);
      return;
    }
    if (skip > 0) return walk(index + 1, skip - 1, branches);
    out.push(args.slice(index));
  };
  walk(0, positionals, 0);
  return out;
}
