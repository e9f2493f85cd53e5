"""Compile each distinct Jinja source string once per copy.

Copier renders every part of every template path (``src``, ``test``,
``{% if is_lambda %}template.yaml{% endif %}``), and for each part also the answers-file
name (``.copier-answers.yml``), with ``Environment.from_string``, and every ``default``,
``when``, ``help`` and ``validator`` of copier.yml the same way. Jinja caches templates
loaded by name (``Environment.cache``), but ``from_string`` has no cache: a default copy
compiles ~1 700 sources of which ~500 differ, and compiling is the largest part of the
render (bench/README.md, "Where the time goes").

For one environment, Jinja's compile output depends only on its arguments (the source,
name, file name and the two flags): the environment's settings and extensions are fixed
once Copier has built it. So this extension keeps the code objects of the sources
compiled without a name (the ``from_string`` ones) and hands them back for the same
source; templates loaded by name still go through Jinja's own cache. The rendered text
is unchanged: a code object is immutable and each ``from_string`` still builds its own
``Template`` from it.

Extensions may rewrite the source before it is parsed (``Extension.preprocess``), and
Copier's ``yield`` tag resets its state there. ``preprocess`` therefore still runs on
every call, and its output is the cache key.

Loaded by ``_jinja_extensions`` in ``copier.yml``; it adds no tags, filters or globals.
"""

from __future__ import annotations

from collections.abc import Callable
from types import CodeType

from jinja2 import Environment, nodes
from jinja2.ext import Extension

#: (preprocessed source, raw, defer_init): what a nameless compile depends on.
MemoKey = tuple[str, bool, bool]


class CompileMemo(Extension):
    """Jinja extension: ``environment.compile`` remembers what it compiled without a name."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        self.compiled: dict[MemoKey, str | CodeType] = {}
        # Environment.compile as Jinja defines it, called for everything the memo does not answer.
        self.uncached: Callable[..., str | CodeType] = environment.compile
        # An instance attribute wins over the method: from_string calls self.compile, the
        # loader environment.compile. (An overlay would share this memo; Copier makes none.)
        environment.compile = self.compile  # type: ignore[method-assign]

    def compile(
        self,
        source: str | nodes.Template,
        name: str | None = None,
        filename: str | None = None,
        raw: bool = False,
        defer_init: bool = False,
    ) -> str | CodeType:
        """``Environment.compile``, answered from the memo for a nameless source seen before."""
        if not isinstance(source, str) or name is not None or filename is not None:
            return self.uncached(source, name, filename, raw, defer_init)
        key = (self.environment.preprocess(source), raw, defer_init)
        if (known := self.compiled.get(key)) is None:
            known = self.compiled[key] = self.uncached(source, name, filename, raw, defer_init)
        return known
