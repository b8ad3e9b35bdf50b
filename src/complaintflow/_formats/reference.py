"""The docs' reference tables, generated from the workflow definition at docs build: the
commands (from the rows), the events (with the command that records each) and the reason
codes (from their declarations). Nothing in them is written by hand twice."""

from __future__ import annotations

import enum
import inspect
import re
import typing
from typing import Any

import attrs

from .._core.definition import RECORDED_BY, ROW_OF
from .._core.row import EVERY_STAGE, OPEN_STAGES, Branch, Goes
from .._values.enums import Stage
from .._values.reasons import REASON_CODES, ReasonKind
from ..events import EVENT_TYPES

_NONE = "\u2013"  # an en dash: nothing
_BRANCH_WORDS = {Branch.SEVERAL_OPEN_CONCERNS: "with several open concerns",
                 Branch.ANYTHING_OPEN: "while concerns or actions are open"}


def _md(text: str) -> str:
    """A docstring's reST as Markdown for a table cell."""
    text = " ".join(text.split()).replace("``", "`").replace("|", "\\|")
    return re.sub(r":\w+:`~?([^`]+)`", r"`\1`", text)


def _stages(stages: set[Stage]) -> str:
    if stages == set(EVERY_STAGE):
        return "every stage"
    if stages == set(OPEN_STAGES):
        return "every open stage"
    return ", ".join(f"`{stage.value}`" for stage in Stage if stage in stages)


def _moves(routes: tuple[Goes, ...]) -> str:
    moving = [goes for goes in routes if goes.dest is not None]
    if not moving:
        return ""
    parts = []
    for goes in moving:
        assert goes.dest is not None
        where = "" if len(routes) == 1 or (len(moving) == len(routes) and all(
            g.sources == goes.sources for g in moving)) else f"from {_stages(set(goes.sources))} "
        when = f" {_BRANCH_WORDS[goes.branch]}" if goes.branch is not None else ""
        parts.append(f"{where}→ `{goes.dest.value}`{when}")
    text = "; ".join(parts).replace("; → ", ", else → ") + "."
    return text[:1].upper() + text[1:]


def _argument(field: attrs.Attribute[Any], hint: object) -> str:
    name = f"`{field.name}`" if field.default is attrs.NOTHING else f"`{field.name}?`"
    inner = [arg for arg in typing.get_args(hint) if arg is not type(None)] or [hint]
    kind = inner[0]
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return f"{name} (" + ", ".join(f"`{member.value}`" for member in kind) + ")"
    if kind is bool and field.default is not attrs.NOTHING:
        return f"{name} (default {str(field.default).lower()})"
    return name


def command_table() -> str:
    """The command table: each command's stages, arguments, what it does, and the rule
    codes it may be refused with (besides the stage rules every command has)."""
    lines = ["| command | stages | arguments | effect | refused with |", "|---|---|---|---|---|"]
    for name, row in ROW_OF.items():
        stages = {stage for goes in row.routes for stage in goes.sources}
        hints = typing.get_type_hints(row.command)
        arguments = ", ".join(_argument(f, hints[f.name]) for f in attrs.fields(row.command)
                              if f.name != "command_id") or _NONE
        effect = " ".join(part for part in (_md(inspect.getdoc(row.command) or ""),
                                            _moves(row.routes)) if part)
        refused = ", ".join(f"`{code.code}`" for code in row.refusals) or _NONE
        lines.append(f"| `{name}` | {_stages(stages)} | {arguments} | {effect} | {refused} |")
    return "\n".join(lines) + "\n"


def event_table() -> str:
    """The event table: each type tag, its class and what records it."""
    lines = ["| type | class | recorded by |", "|---|---|---|"]
    for tag, cls in EVENT_TYPES.items():
        by = {"complaint_opened": "{func}`~complaintflow.open_complaint`",
              "stage_changed": "any command that moves the stage on"}.get(
                  tag, f"`{RECORDED_BY.get(tag)}`")
        lines.append(f"| `{tag}` | `{cls.__name__}` | {by} |")
    return "\n".join(lines) + "\n"


def reason_code_table(kind: ReasonKind) -> str:
    """The reason codes of one kind with their meaning: the rule codes of the stage rules
    first, then those of the rows, in workflow order."""
    refused = [code.code for row in ROW_OF.values() for code in row.refusals]
    rank = {name: index for index, name in reversed(list(enumerate(refused)))}
    codes = sorted((code for code in REASON_CODES.values() if code.kind is kind),
                   key=lambda code: rank.get(code.code, -1))  # stable: declaration order
    lines = ["| code | meaning |", "|---|---|"]
    lines += [f"| `{code.code}` | {code.meaning.replace('|', chr(92) + '|')} |"
              for code in codes]
    return "\n".join(lines) + "\n"
