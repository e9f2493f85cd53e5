"""Drive Copier's questionnaire in a pseudo-terminal, the way a person answers it.

Copier asks with questionary (prompt_toolkit). Each prompt starts with the question's
help text, so the driver recognises a question by its help text from copier.yml and
knows its variable name. Questions a test does not target are answered with Enter
(the default), so new questions added to copier.yml do not break the tests.
Select lists are navigated with the arrow keys: the driver reads the list as first
drawn (pointer, disabled choices) and presses Down as often as a person would.
Everything the terminal receives also goes through pyte, a VT100 emulator, so a test
can read the screen as a person sees it at its width (prompt_toolkit redraws only the
characters that change, so the raw output is not the screen).
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pexpect
import pyte
import yaml

from tests.support.git_history import GIT_ENV
from tests.support.render import TEMPLATE_ROOT

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
DOWN = "\x1b[B"
CLEAR_LINE = "\x15"  # Ctrl-U: delete the prefilled default before typing
ERROR = re.compile(r"Validation error for question '(\w+)': ([^\x1b\r\n]+)|(Invalid input)")
#: The validation bar as the screen shows it.
BAR = re.compile(r"Validation error for question '\w+': |Invalid input")
#: prompt_toolkit ends each screen update with this.
SCREEN_UPDATE_END = "\x1b[?7h"


def plain(text: str) -> str:
    return ANSI.sub("", text)


def question_prompts(copier_yml: Path = TEMPLATE_ROOT / "copier.yml") -> dict[str, str]:
    """Variable name -> a distinctive literal start of the prompt Copier shows for it."""
    config = yaml.safe_load(copier_yml.read_text())
    prompts = {}
    for name, spec in config.items():
        if name.startswith("_"):
            continue
        help_text = spec.get("help") if isinstance(spec, dict) else None
        if help_text:
            literal = " ".join(help_text.split("{")[0].split())[:48].rstrip()
            prompts[name] = literal or name
        else:
            prompts[name] = name
    return prompts


@dataclass
class Choice:
    title: str
    pointed: bool
    disabled: bool


class Questionnaire:
    """A running `copier copy` in a pseudo-terminal."""

    def __init__(self, args: list[str], timeout: float = 60, columns: int = 250) -> None:
        # No cursor-position requests: nobody answers them in a pseudo-terminal.
        env = {**GIT_ENV, "TERM": "xterm-256color", "PROMPT_TOOLKIT_NO_CPR": "1"}
        self.prompts = question_prompts()
        self.patterns = {name: re.compile(re.escape(text)) for name, text in self.prompts.items()}
        self.asked: list[str] = []
        self.transcript: list[str] = []
        self.screen = pyte.Screen(columns, 60)
        self.stream = pyte.Stream(self.screen)
        copier = str(Path(sys.executable).with_name("copier"))
        self.child = pexpect.spawn(
            copier, args, env=env, encoding="utf-8", dimensions=(60, columns), timeout=timeout
        )

    def _record(self) -> None:
        received = self.child.before + (self.child.after if isinstance(self.child.after, str) else "")
        self.transcript.append(received)
        self.stream.feed(received)

    def screen_lines(self) -> list[str]:
        """The terminal's lines as shown now, trailing spaces removed."""
        return [line.rstrip() for line in self.screen.display]

    def text(self) -> str:
        """Everything the terminal showed so far, without escape sequences."""
        return plain("".join(self.transcript))

    def next_question(self) -> str | None:
        """Wait for the next question not asked yet; its variable name, or None at the end."""
        waiting = [name for name in self.patterns if name not in self.asked]
        index = self.child.expect([self.patterns[name] for name in waiting] + [pexpect.EOF])
        self._record()
        if index == len(waiting):
            return None
        self.asked.append(waiting[index])
        return waiting[index]

    def accept_default(self) -> None:
        self.child.send("\r")

    def type(self, answer: str) -> None:
        self.child.send(CLEAR_LINE + answer + "\r")

    def expect_error(self) -> str:
        """Wait for the validator's message under the current prompt and return it."""
        self.child.expect(ERROR)
        self._record()
        match = self.child.match
        return match.group(3) or f"{match.group(1)}: {match.group(2)}"

    def settle(self, quiet_for: float = 0.7) -> None:
        """Read what the terminal receives until it has been quiet for ``quiet_for`` seconds."""
        while self.child.expect([re.escape(SCREEN_UPDATE_END), pexpect.TIMEOUT], timeout=quiet_for) == 0:
            self._record()
        self._record()

    def error_bar(self) -> str:
        """The validation bar under the current prompt, exactly as the screen shows it ("" if none)."""
        self.settle()
        shown = [line for line in self.screen_lines() if BAR.search(line)]
        return shown[-1].strip() if shown else ""

    def retype_after_error(self, answer: str) -> str:
        """Read the bar the last answer raised, then type ``answer`` in its place."""
        bar = self.error_bar()
        self.type(answer)
        return bar

    def choices(self) -> list[Choice]:
        """The select list as first drawn under the current question."""
        self.child.expect(re.escape("(Use arrow keys)"))
        self._record()
        self.child.expect(re.escape(SCREEN_UPDATE_END))
        self._record()
        listed = []
        for raw in re.split(r"\r*\n", self.child.before):
            line = plain(raw).rstrip()
            if not line.strip():
                continue
            pointed = line.startswith(" » ")
            body = line[3:]
            disabled = body.startswith("- ")
            listed.append(Choice(body[2:] if disabled else body, pointed, disabled))
        return listed

    def choose(self, title_start: str) -> str:
        """Move to the choice whose title starts with ``title_start`` and press Enter."""
        listed = self.choices()
        enabled = [index for index, choice in enumerate(listed) if not choice.disabled]
        (pointer,) = [index for index, choice in enumerate(listed) if choice.pointed]
        targets = [index for index, choice in enumerate(listed) if choice.title.startswith(title_start)]
        assert len(targets) == 1, f"no single choice starts with {title_start!r}: {listed}"
        target = targets[0]
        assert target in enabled, f"{title_start!r} is disabled: {listed[target]}"
        presses = (enabled.index(target) - enabled.index(pointer)) % len(enabled)
        self.child.send(DOWN * presses + "\r")
        return listed[target].title

    def answer_rest_with_defaults(self, answers: dict[str, Any] | None = None) -> None:
        """Answer every remaining question: typed when in ``answers``, else its default."""
        while (name := self.next_question()) is not None:
            if answers and name in answers:
                self.type(str(answers[name]))
            else:
                self.accept_default()

    def wait_for_exit(self) -> int:
        self.child.expect(pexpect.EOF)
        self._record()
        self.child.close()
        return self.child.exitstatus if self.child.exitstatus is not None else -1


def environment_has_pty() -> bool:
    return os.path.exists("/dev/ptmx")
