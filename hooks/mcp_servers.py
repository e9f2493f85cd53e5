"""The MCP servers a generated repo offers (`with_mcp`), as data, in one place.

Only servers that read are offered, each in its read-only default. ``.mcp.json``, the
settings' ``enabledMcpjsonServers`` (a person approves them once, when they trust the
folder) and ``permissions.deny`` for the tools that would change something, and the
README's MCP section all come from :data:`SERVERS`, so they name the same servers.

Local servers run with ``uvx`` at the version pins.toml ``[pypi]`` gives; Cloudflare's
run remotely (Streamable HTTP at a URL Cloudflare operates), so there is nothing to pin.
Plain data and small pure functions: no Jinja, no file access, no network.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class McpServer:
    #: The key in .mcp.json; Claude Code names its tools mcp__<name>__<tool>.
    name: str
    platform: str
    #: What its maintainer calls it, for the README.
    title: str
    #: What it can read, for the README.
    reads: str
    #: A PyPI package run with uvx (version from pins.toml), or "" for a remote server.
    package: str = ""
    url: str = ""
    #: Tools that would change the account or read sensitive data. The server's
    #: read-only default refuses them already; settings deny them as well, so adding a
    #: write flag by hand does not open them to Claude.
    write_tools: tuple[str, ...] = ()

    def config(self, pypi_pins: dict[str, str], aws_region: str) -> dict[str, Any]:
        """The server's .mcp.json entry."""
        if not self.package:
            return {"type": "http", "url": self.url}
        env = {"FASTMCP_LOG_LEVEL": "ERROR"}
        env.update({"AWS_DOCUMENTATION_PARTITION": "aws"} if self.name == "aws-documentation" else {"AWS_REGION": aws_region})
        # No --allow-write and no --allow-sensitive-data-access: the read-only default.
        return {"command": "uvx", "args": [f"{self.package}=={pypi_pins[self.package]}"], "env": env}


SERVERS: tuple[McpServer, ...] = (
    McpServer(
        name="aws-documentation",
        platform="lambda",
        title="AWS Documentation MCP Server (awslabs)",
        reads="the public AWS documentation (search, read and related pages); it needs no AWS credentials",
        package="awslabs.aws-documentation-mcp-server",
    ),
    McpServer(
        name="aws-serverless",
        platform="lambda",
        title="AWS Serverless MCP Server (awslabs)",
        reads=(
            "SAM and Lambda guidance, Serverless Land templates and event schemas; with your AWS credentials, "
            "what is deployed. Started without --allow-write (no deploys, deletes or public resources) and "
            "without --allow-sensitive-data-access (no logs)"
        ),
        package="awslabs.aws-serverless-mcp-server",
        write_tools=("sam_deploy", "sam_delete", "deploy_webapp", "configure_domain", "update_frontend", "sam_logs"),
    ),
    McpServer(
        name="cloudflare-docs",
        platform="workers",
        title="Cloudflare Documentation server",
        reads="Cloudflare's public documentation; no login",
        url="https://docs.mcp.cloudflare.com/mcp",
    ),
    McpServer(
        name="cloudflare-observability",
        platform="workers",
        title="Cloudflare Workers Observability server",
        reads=(
            "after you log in with Cloudflare OAuth in the browser, the Workers Logs and metrics of the account "
            "you authorize (query, list fields, list values); none of its tools writes"
        ),
        url="https://observability.mcp.cloudflare.com/mcp",
    ),
)

#: Servers left out on purpose, with the reason the README gives.
NOT_OFFERED: dict[str, tuple[tuple[str, str], ...]] = {
    "lambda": (
        ("the serverless server with `--allow-write` or `--allow-sensitive-data-access`", "deploys, deletes, creates public resources or reads logs with personal data"),
        ("the AWS API MCP server", "runs any AWS CLI command the credentials allow"),
    ),
    "workers": (
        ("the Workers Bindings server", "creates and deletes KV namespaces, R2 buckets, D1 databases and Hyperdrive configs"),
        ("the Code Mode server (`mcp.cloudflare.com`)", "calls the whole Cloudflare API, writes included (Cloudflare now recommends it over the observability server, which it marks deprecated)"),
    ),
}


def servers_for(platform: str) -> tuple[McpServer, ...]:
    return tuple(server for server in SERVERS if server.platform == platform)


def mcp_context(answers: dict[str, Any], platform: str, pypi_pins: dict[str, str]) -> dict[str, Any]:
    """The servers of these answers, their .mcp.json entries and the settings rules that go with them."""
    chosen = servers_for(platform) if answers.get("with_mcp", False) else ()
    region = str(answers.get("aws_region", "eu-west-1"))
    return {
        "mcp_servers": list(chosen),
        "mcp_config": {"mcpServers": {server.name: server.config(pypi_pins, region) for server in chosen}},
        "mcp_server_names": [server.name for server in chosen],
        "mcp_deny_rules": [f"mcp__{server.name}__{tool}" for server in chosen for tool in server.write_tools],
        "mcp_not_offered": list(NOT_OFFERED.get(platform, ())),
    }
