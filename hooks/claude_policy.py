"""The Claude Code policy of a generated repo, as data, in one place.

One table of mutating cloud commands (``CLOUD_MUTATIONS``) generates both the
guard hook's matcher (rendered into ``.claude/hooks/guard-policy.json``) and the
``ask``/``deny`` rules of ``.claude/settings.json``, so the two cannot drift. The
files that make up the deploy gate (``GATE_FILES``) are denied to Claude's edit
tools in settings, refused by the guard for Bash writes, and write-protected in the
sandbox. The credential locations (``CREDENTIAL_DIRS``) feed the Read deny rules,
the sandbox's read denials and the guard's refusal to copy or print them.

The policy reads no answer but the platform (and the MCP servers' deny rules), yet the
context hook derives it for every partial answer set of the questionnaire. The parts
that cost something are cached on those hashable inputs (``functools.lru_cache``) and
hold tuples only; the public functions build fresh lists and dicts from them, so a
caller that changes what it got cannot change what the next render gets.
"""

from __future__ import annotations

import functools
import json
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class CloudMutation:
    """A command that changes what runs in the cloud, or the cloud account itself.

    ``words`` follow the program, past its global options. A word ending in ``*``
    matches by prefix (``update-*``); ``*`` alone matches any subcommand.
    """

    program: str
    words: tuple[str, ...]
    #: Settings decision: "ask" (a person confirms) or "deny" (never through Claude).
    decision: str = "ask"
    #: A flag that makes the command a local build only (`wrangler deploy --dry-run`).
    dry_run_flag: str = ""
    #: Only a mutation with this flag (`wrangler d1 execute --remote`; local is the default).
    only_with_flag: str = ""


def _family(program: str, *commands: str, **options: str) -> tuple[CloudMutation, ...]:
    return tuple(CloudMutation(program, tuple(command.split()), **options) for command in commands)


CLOUD_MUTATIONS: tuple[CloudMutation, ...] = (
    *_family("sam", "deploy", "sync", "delete"),
    *_family("wrangler", "deploy", "publish", "versions upload", dry_run_flag="--dry-run"),
    *_family(
        "wrangler",
        "versions deploy",
        "versions secret put",
        "versions secret delete",
        "versions secret bulk",
        "rollback",
        "triggers deploy",
        "secret put",
        "secret delete",
        "secret bulk",
        "delete",
        "pages deploy",
        "d1 create",
        "d1 delete",
        "kv namespace create",
        "kv namespace delete",
        "kv key put",
        "kv key delete",
        "kv bulk put",
        "kv bulk delete",
        "r2 bucket create",
        "r2 bucket delete",
        "r2 object put",
        "r2 object delete",
        "queues create",
        "queues delete",
    ),
    *_family("wrangler", "d1 execute", "d1 migrations apply", only_with_flag="--remote"),
    *_family(
        "aws",
        "lambda update-*",
        "lambda publish-*",
        "lambda create-*",
        "lambda delete-*",
        "lambda put-*",
        "lambda add-*",
        "lambda remove-*",
        "cloudformation deploy",
        "cloudformation create-*",
        "cloudformation update-*",
        "cloudformation delete-*",
        "cloudformation execute-*",
        "cloudformation rollback-stack",
        "cloudformation cancel-update-stack",
        "cloudformation continue-update-rollback",
        "cloudformation set-stack-policy",
        "apigatewayv2 create-*",
        "apigatewayv2 update-*",
        "apigatewayv2 delete-*",
        "apigatewayv2 import-api",
        "apigatewayv2 reimport-api",
        "apigateway create-*",
        "apigateway update-*",
        "apigateway delete-*",
        "apigateway put-*",
        "dynamodb delete-*",
        "dynamodb create-table",
        "dynamodb update-*",
        "s3 rm",
        "s3 rb",
        "s3 mv",
        "s3 sync",
        "s3api delete-*",
        "s3api put-*",
        "s3api create-bucket",
        "secretsmanager put-*",
        "secretsmanager update-*",
        "secretsmanager delete-*",
        "secretsmanager create-*",
        "secretsmanager restore-*",
        "secretsmanager rotate-*",
        "ssm put-parameter",
        "ssm delete-parameter*",
        "logs delete-*",
        "logs put-retention-policy",
        "sqs purge-queue",
        "sqs delete-queue",
        "sqs create-queue",
        "sqs set-queue-attributes",
        "events put-*",
        "events delete-*",
        "events remove-*",
        "events disable-rule",
        "cloudwatch delete-alarms",
        "cloudwatch disable-alarm-actions",
    ),
    *_family("aws", "iam *", decision="deny"),
    *_family("cdk", "deploy", "destroy", "watch", "bootstrap", "import", "rollback"),
    *_family("serverless", "deploy", "remove", "rollback"),
    *_family("sls", "deploy", "remove", "rollback"),
    *_family("terraform", "apply", "destroy", "import"),
    *_family("tofu", "apply", "destroy", "import"),
)

#: Global options that take a value, per program, so the guard finds the subcommand
#: behind them (`aws --profile p --region r lambda …`, `wrangler --env x deploy`).
#: Unknown options are read both ways (with and without a value), so a missing entry
#: here costs a false alarm at worst, never a missed deploy.
GLOBAL_VALUE_OPTIONS: dict[str, tuple[str, ...]] = {
    "aws": ("--profile", "--region", "--output", "--endpoint-url", "--query", "--color", "--ca-bundle", "--cli-read-timeout", "--cli-connect-timeout", "--cli-binary-format"),
    "wrangler": ("--env", "-e", "--config", "-c", "--cwd", "--env-file"),
    "cdk": ("--app", "-a", "--context", "-c", "--profile", "--output", "-o", "--role-arn", "-r", "--plugin", "-p", "--ca-bundle-path"),
    "serverless": ("--stage", "-s", "--region", "-r", "--config", "-c", "--aws-profile", "--param"),
    "sls": ("--stage", "-s", "--region", "-r", "--config", "-c", "--aws-profile", "--param"),
}

#: Programs that run through npx & co. also get `npx <program> …` ask rules.
NODE_CLIS = frozenset({"wrangler", "cdk", "serverless", "sls"})

#: Reading a secret is no deployment, but a person still says yes (settings only).
ASK_SECRET_READS: tuple[str, ...] = ("Bash(aws secretsmanager get-secret-value *)", "Bash(aws ssm get-parameter *)", "Bash(aws ssm get-parameters *)")
#: Reading the deployed function's logs changes nothing, but it needs the person's cloud
#: credentials and the lines can hold personal data: a person says yes (the read-logs skill).
ASK_LOG_READS: dict[str, tuple[str, ...]] = {
    "lambda": ("Bash(sam logs *)", "Bash(aws logs tail *)"),
    "workers": ("Bash(wrangler tail *)", "Bash(npx wrangler tail *)"),
}

#: The deploy gate: the settings, the guard, the checklist and its library, the git
#: hooks. Claude's edit tools are denied them, the guard refuses Bash writes onto
#: them, and the sandbox write-protects them. Skills, agents, commands and rules
#: under .claude stay editable: owners ask Claude to add them.
GATE_FILES: tuple[str, ...] = (
    ".claude/settings.json",
    ".claude/settings.local.json",
    ".claude/settings*.json",
    ".claude/hooks/**",
    "scripts/check.mjs",
    "scripts/check-conflict-markers.mjs",
    "scripts/lib/**",
    ".githooks/**",
)

#: Where the AWS CLI and Wrangler keep credentials (Wrangler: the XDG config folder on
#: Linux, Preferences on macOS, and the legacy ~/.wrangler).
CREDENTIAL_DIRS: tuple[str, ...] = ("~/.aws", "~/.config/.wrangler", "~/Library/Preferences/.wrangler", "~/.wrangler")
CREDENTIAL_FILES: tuple[str, ...] = (
    "~/.aws/credentials",
    "~/.aws/config",
    "~/.config/.wrangler/config/default.toml",
    "~/Library/Preferences/.wrangler/config/default.toml",
    "~/.wrangler/config/default.toml",
)
#: Deploy credentials kept out of sandboxed commands' environment.
CREDENTIAL_ENV_VARS: tuple[str, ...] = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_PROFILE",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "CLOUDFLARE_API_TOKEN",
    "CLOUDFLARE_API_KEY",
    "CF_API_TOKEN",
    "CF_API_KEY",
)
#: Local secret files. The Read deny rules take no exceptions (deny wins), so the
#: Read tool cannot open the .example files either; sandboxed Bash can (allowRead).
LOCAL_SECRET_GLOBS: tuple[str, ...] = (".env", ".env.*", ".dev.vars", ".dev.vars.*")
LOCAL_SECRET_EXAMPLES: tuple[str, ...] = (".env.example", ".dev.vars.example")
#: Network for sandboxed commands: the package registry and this machine.
SANDBOX_ALLOWED_DOMAINS: tuple[str, ...] = ("registry.npmjs.org", "localhost", "127.0.0.1")

#: git reads that cannot write files (`--output=`) or read outside the repo (`--no-index`).
SAFE_GIT_READS: tuple[str, ...] = (
    "git status",
    "git diff",
    "git diff --stat",
    "git diff --cached",
    "git diff --staged",
    "git diff HEAD",
    "git log",
    "git log --oneline",
    "git log --stat",
)

#: Commands Claude may run without asking: tests, local invoke, the checklist.
ALLOW_COMMON: tuple[str, ...] = (
    "Bash(npm test)",
    "Bash(npm test *)",
    "Bash(npm run test:*)",
    "Bash(npm run invoke *)",
    "Bash(npm run check)",
    "Bash(node scripts/check.mjs *)",
    "Bash(npm run validate)",
    *(f"Bash({command})" for command in SAFE_GIT_READS),
)
ALLOW_LAMBDA: tuple[str, ...] = ("Bash(node scripts/invoke.mjs *)", "Bash(cfn-lint *)", "Bash(sam validate *)")
ALLOW_WORKERS: tuple[str, ...] = ("Bash(npm run dev)", "Bash(npx wrangler types *)")
#: A TypeScript repo's checks, both local: `tsc --noEmit`, and the bundle (esbuild for Lambda, Wrangler's dry run for Workers).
ALLOW_TYPESCRIPT: tuple[str, ...] = ("Bash(npm run typecheck)", "Bash(npm run build)")


def mutation_rule(mutation: CloudMutation, prefix: str = "") -> str:
    """The settings rule of one table row: `Bash(sam deploy *)`, `Bash(aws lambda update-*)`."""
    words = " ".join(mutation.words)
    tail = "" if words.endswith("*") else " *"
    return f"Bash({prefix}{mutation.program} {words}{tail})"


def mutation_rules(decision: str) -> list[str]:
    """The settings rules of every table row with this decision ("ask" or "deny"), in table order."""
    return list(_mutation_rules(decision))


# Cached: see the module docstring. Tuples only; the public functions copy them out.
@functools.lru_cache(maxsize=None)
def _mutation_rules(decision: str) -> tuple[str, ...]:
    rules: list[str] = []
    for mutation in CLOUD_MUTATIONS:
        if mutation.decision != decision:
            continue
        prefixes = ("", "npx ") if mutation.program in NODE_CLIS else ("",)
        rules.extend(mutation_rule(mutation, prefix) for prefix in prefixes)
    return tuple(dict.fromkeys(rules))


def gate_edit_rules() -> list[str]:
    """Edit rules cover every built-in tool that edits files (Edit, Write, MultiEdit, NotebookEdit)."""
    return [f"Edit(./{path})" for path in GATE_FILES]


def permission_lists(platform: str, mcp_deny: tuple[str, ...] | list[str] = (), language: str = "javascript") -> dict[str, list[str]]:
    """allow/ask/deny of settings.json; ``mcp_deny`` names the MCP tools that would write
    (hooks/mcp_servers.py), denied even though their servers start read-only."""
    return {key: list(rules) for key, rules in _permission_lists(platform, tuple(mcp_deny), language)}


@functools.lru_cache(maxsize=16)
def _permission_lists(platform: str, mcp_deny: tuple[str, ...], language: str = "javascript") -> tuple[tuple[str, tuple[str, ...]], ...]:
    allow = ALLOW_COMMON + (ALLOW_LAMBDA if platform == "lambda" else ALLOW_WORKERS)
    if language == "typescript":
        allow = tuple(rule.replace("scripts/invoke.mjs", "scripts/invoke.ts") for rule in allow) + ALLOW_TYPESCRIPT
    ask = (*_mutation_rules("ask"), "Bash(npm run deploy*)", *ASK_SECRET_READS, *ASK_LOG_READS.get(platform, ()))
    deny = (
        *(f"Read(./{glob})" for glob in LOCAL_SECRET_GLOBS),
        *(f"Read(./**/{glob})" for glob in LOCAL_SECRET_GLOBS),
        *(f"Read({directory}/**)" for directory in CREDENTIAL_DIRS),
        *gate_edit_rules(),
        *_mutation_rules("deny"),
        *mcp_deny,
    )
    return (("allow", allow), ("ask", ask), ("deny", deny))


def sandbox_settings() -> dict[str, Any]:
    """Claude Code's `sandbox` block: the boundary that does not depend on spelling."""
    secret_paths = [f"./{glob}" for glob in LOCAL_SECRET_GLOBS]
    return {
        "enabled": True,
        # Where the OS sandbox cannot start, Claude Code warns and runs Bash unsandboxed
        # (README: "Where the sandbox works"); owners who prefer a refusal set this in
        # their .claude/settings.local.json.
        "failIfUnavailable": False,
        # Claude cannot ask to leave the sandbox; deploys run in a person's own shell.
        "allowUnsandboxedCommands": False,
        # Sandboxed commands still go through the allow/ask/deny rules above.
        "autoAllowBashIfSandboxed": False,
        "filesystem": {
            "denyRead": [*CREDENTIAL_DIRS, *secret_paths],
            "allowRead": [f"./{name}" for name in LOCAL_SECRET_EXAMPLES],
            "denyWrite": [f"./{path.removesuffix('/**')}" for path in GATE_FILES if "*" not in path.removesuffix("/**")],
        },
        "network": {"allowedDomains": list(SANDBOX_ALLOWED_DOMAINS), "allowLocalBinding": True},
        "credentials": {
            "files": [{"path": path, "mode": "deny"} for path in CREDENTIAL_FILES],
            "envVars": [{"name": name, "mode": "deny"} for name in CREDENTIAL_ENV_VARS],
        },
    }


def guard_policy() -> dict[str, Any]:
    """The data `.claude/hooks/guard.mjs` reads (rendered as guard-policy.json)."""
    return {
        "mutations": [dict(fields) for fields in _guard_mutations()],
        "globalValueOptions": dict(GLOBAL_VALUE_OPTIONS),
        "gateFiles": list(GATE_FILES),
        "credentialDirs": list(CREDENTIAL_DIRS),
    }


@functools.lru_cache(maxsize=1)
def _guard_mutations() -> tuple[tuple[tuple[str, Any], ...], ...]:
    """Each table row's fields as (name, value) pairs, the empty options left out.

    `dataclasses.asdict` copies every row deeply (~0.7 ms for the table), hence the cache;
    the values are strings and tuples, so the pairs can be shared.
    """
    return tuple(
        tuple((key, value) for key, value in asdict(mutation).items() if value or key in {"program", "words"})
        for mutation in CLOUD_MUTATIONS
    )


def headless_review_tools() -> str:
    """`--allowedTools` of `npm run claude:review`: read-only tools and the safe git reads."""
    return ",".join(["Read", "Grep", "Glob", *(f"Bash({command})" for command in SAFE_GIT_READS)])


# ------------------------------------------------------------------- hooks --
#: The hooks of settings.json: event -> (matcher, script under .claude/hooks, timeout in s).
#: PreToolUse guards the deploy gate; PostToolUse validates an edited deploy config;
#: Stop runs the unit tests before Claude may stop. Each reads Claude Code's JSON on stdin.
HOOKS: dict[str, tuple[str, str, int]] = {
    "PreToolUse": ("Bash|Write|Edit|MultiEdit|NotebookEdit", "guard.mjs", 300),
    "PostToolUse": ("Write|Edit|MultiEdit", "validate-config.mjs", 120),
    "Stop": ("", "stop-tests.mjs", 300),
}


def hook_settings() -> dict[str, Any]:
    """settings.json's `hooks`: each script run with node from the project's .claude/hooks."""
    settings: dict[str, Any] = {}
    for event, (matcher, script, timeout) in HOOKS.items():
        group: dict[str, Any] = {"matcher": matcher} if matcher else {}
        group["hooks"] = [{"type": "command", "command": f'node "$CLAUDE_PROJECT_DIR/.claude/hooks/{script}"', "timeout": timeout}]
        settings[event] = [group]
    return settings


# ---------------------------------------------------------------- headless --
#: Every headless run (npm run claude:*, the CI review): no prompt can wait for a person
#: (dontAsk denies what the allow list does not name), a turn cap, JSON a script can read,
#: and no MCP server (only --mcp-config servers, and none is given).
HEADLESS_MAX_TURNS = 30
HEADLESS_FLAGS: tuple[str, ...] = ("--permission-mode", "dontAsk", "--max-turns", str(HEADLESS_MAX_TURNS), "--strict-mcp-config")
#: Never an edit tool in a headless run.
HEADLESS_DISALLOWED = "Edit,Write,NotebookEdit"


def headless_script(skill: str, tools: str, output: str) -> str:
    """The package.json script that runs one skill under `claude -p` and writes its JSON result.

    The prompt comes first: `--allowedTools` takes a list, so nothing positional may follow it.
    """
    return (
        f'claude -p "/{skill}" {" ".join(HEADLESS_FLAGS)} --output-format json '
        f'--allowedTools "{tools}" --disallowedTools "{HEADLESS_DISALLOWED}" > {output}'
    )


def headless_context() -> dict[str, Any]:
    # Written into package.json as JSON strings (json.dumps: Jinja's tojson would escape `>`).
    return {
        "headless_review_script": json.dumps(headless_script("checklist-review", headless_review_tools(), "claude-review.json")),
        "headless_requirements_script": json.dumps(headless_script("requirements", "Read,Grep,Glob", "claude-requirements.json")),
        "headless_action_args": f'{" ".join(HEADLESS_FLAGS)} --allowedTools "{headless_review_tools()}" --disallowedTools "{HEADLESS_DISALLOWED}"',
        "hook_settings": hook_settings(),
        "safe_git_reads": list(SAFE_GIT_READS),
        "headless_max_turns": HEADLESS_MAX_TURNS,
    }
