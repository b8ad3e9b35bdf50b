"""The JSON Schema of each command's arguments, generated from the command's fields.

One schema per command (draft 2020-12), built from its attrs fields when first asked for
and kept: each argument's description comes from its field (``about`` metadata), its
constraints from the checks the parser runs on it (its validator, its converter, its
type), so that a payload valid by the schema is never refused for its shape. ``strict``
gives the variant that follows OpenAI's strict rules ("Structured Outputs").
"""

from __future__ import annotations

import copy
import enum
import json
import typing
from datetime import datetime
from decimal import Decimal
from typing import Any

import attrs

from .._core.policy import Policy
from .._values.checks import (
    AMOUNT_PATTERN,
    ZERO_PATTERN,
    WholeNumber,
    aware,
    distinct_ids,
    flag,
    non_blank,
    optional_currency,
    optional_non_blank,
    positive_amount,
    shown,
    valid_amount,
    visible_characters,
)
from .._values.currencies import ACTIVE_CURRENCIES
from .._values.errors import InvalidValueError
from .._values.parts import description_of
from ..commands import COMMAND_TYPES, Command

Schema = dict[str, Any]
"""A JSON Schema, as a JSON-safe dict."""

DIALECT = "https://json-schema.org/draft/2020-12/schema"

MAX_TEXT_LENGTH: int = Policy().max_text_length
"""The longest text the default policy accepts (``Policy.max_text_length``): the schemas'
``maxLength``. A host whose policy allows less refuses longer text with ``text_too_long``."""

ID_PATTERNS = {"concern": "^K[1-9][0-9]*$", "action": "^A[1-9][0-9]*$"}
"""What the ids the library assigns look like (``K1``, ``K2``, ...; ``A1``, ...), by what
an id argument refers to (its field's ``refers``)."""

_YEAR = "[1-8][0-9]{3}"  # 1000 to 8999: far from the ends of datetime, which overflow in UTC
_LEAP = "(?:[1-8][0-9](?:0[48]|[2468][048]|[13579][26])|(?:[2468][048]|[13579][26])00)"
_DATE = (f"(?:{_YEAR}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"
         "|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8]))"
         f"|{_LEAP}-02-29)")
TIME_PATTERN = (f"^{_DATE}T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\\.[0-9]{{3}}"
                "|\\.[0-9]{6})?(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])$")
"""A time with its UTC offset, as every supported Python reads it: a real calendar date
(leap days included) from the year 1000 to 8999, seconds, optionally 3 or 6 digits of
fraction, and ``Z`` or ``+hh:mm``. Stricter than the parser, never looser."""

_TIME_WORDS = "An ISO-8601 time with its UTC offset, such as 2026-03-02T14:00:00+00:00."
_AMOUNT_WORDS = ('A decimal string such as "49.99": digits and an optional point, at most 15 '
                 "digits before it and 6 after; no sign, exponent or spaces.")


def _text(refers: str | None) -> Schema:
    if refers is not None:
        return {"type": "string", "minLength": 1, "maxLength": MAX_TEXT_LENGTH,
                "pattern": ID_PATTERNS[refers]}
    # the parser's "not blank": at least one character that shows something
    return {"type": "string", "minLength": 1, "maxLength": MAX_TEXT_LENGTH,
            "pattern": f"^[\\s\\S]*{visible_characters()}[\\s\\S]*$"}


def text_schema() -> Schema:
    """The schema of non-blank text within the default policy's bound."""
    return _text(None)


def _argument(cls: type[Command], field: attrs.Attribute[Any], hint: object) -> Schema:
    """The schema of one argument, from the checks the parser runs on it."""
    validator, refers = field.validator, field.metadata.get("refers")
    inner = [arg for arg in typing.get_args(hint) if arg is not type(None)]
    kind = inner[0] if len(inner) == 1 else hint
    if validator in (non_blank, optional_non_blank) and kind is str:
        schema = _text(refers if isinstance(refers, str) else None)
    elif validator is optional_currency and kind is str:
        schema = {"type": "string", "enum": sorted(ACTIVE_CURRENCIES)}
    elif validator is flag and kind is bool:
        schema = {"type": "boolean"}
    elif validator is aware and kind is datetime:
        schema = {"type": "string", "format": "date-time", "pattern": TIME_PATTERN}
    elif validator is valid_amount and kind is Decimal:
        schema = {"type": "string", "pattern": AMOUNT_PATTERN}
    elif validator is positive_amount and kind is Decimal:
        schema = {"type": "string", "pattern": AMOUNT_PATTERN, "not": {"pattern": ZERO_PATTERN}}
    elif validator is distinct_ids and typing.get_origin(kind) is tuple and isinstance(
            refers, str):
        schema = {"type": "array", "items": {"type": "string", "pattern": ID_PATTERNS[refers]},
                  "minItems": 1, "uniqueItems": True}
    elif isinstance(validator, WholeNumber) and kind is int:
        schema = {"type": "integer", "minimum": validator.low, "maximum": validator.high}
    elif isinstance(kind, type) and issubclass(kind, enum.Enum) and validator is None:
        schema = {"type": "string", "enum": [member.value for member in kind]}
    elif enum_tuple(kind) is not None and validator is None:
        members = enum_tuple(kind)
        assert members is not None
        # a member named twice counts once (the parser folds it), so no uniqueItems
        schema = {"type": "array", "items": {"type": "string",
                                             "enum": [member.value for member in members]},
                  "minItems": 1}
    else:
        raise TypeError(f"no JSON Schema for the argument {field.name} of {cls.__name__} "
                        f"({hint!r}, validated by {validator!r}); teach "
                        "complaintflow.agents._schema about it")
    description = description_of(field)
    if description is None:
        raise TypeError(f"the argument {field.name} of {cls.__name__} has no description: "
                        "declare one with about(...) in its field's metadata")
    words = [description]
    if kind is datetime:
        words.append(_TIME_WORDS)
    elif kind is Decimal:
        words.append(_AMOUNT_WORDS)
    schema["description"] = " ".join(words)
    if field.default is not attrs.NOTHING and field.default is not None:
        schema["default"] = field.default
    return schema


def enum_tuple(kind: object) -> type[enum.Enum] | None:
    """The enum of a ``tuple[SomeEnum, ...]`` argument (one or more members, each once)."""
    if typing.get_origin(kind) is not tuple:
        return None
    items = typing.get_args(kind)
    if len(items) == 2 and items[1] is Ellipsis and isinstance(items[0], type) and issubclass(
            items[0], enum.Enum):
        return items[0]
    return None


def arguments(cls: type[Command]) -> list[attrs.Attribute[Any]]:
    """A command's arguments as an agent sends them: its fields but ``command_id``, which
    the host sets."""
    return [field for field in attrs.fields(cls) if field.name != "command_id"]


def _natural(cls: type[Command]) -> Schema:
    hints = typing.get_type_hints(cls)
    fields = arguments(cls)
    return {
        "$schema": DIALECT,
        "type": "object",
        "properties": {field.name: _argument(cls, field, hints[field.name]) for field in fields},
        "required": [field.name for field in fields if field.default is attrs.NOTHING],
        "additionalProperties": False,
    }


# --- OpenAI's strict rules -------------------------------------------------------------------

STRICT_KEYWORDS = frozenset({
    "type", "properties", "required", "additionalProperties", "items", "enum", "const",
    "anyOf", "description", "pattern", "format", "minimum", "maximum", "exclusiveMinimum",
    "exclusiveMaximum", "multipleOf", "minItems", "maxItems", "$defs", "$ref"})
"""The keywords OpenAI's strict mode supports (its Structured Outputs guide); the others
are dropped from a strict schema, their meaning restated in the description."""

STRICT_FORMATS = frozenset({"date-time", "time", "date", "duration", "email", "hostname",
                            "ipv4", "ipv6", "uuid"})


def _restated(key: str, value: object) -> str | None:
    """A dropped keyword, said in words for the model."""
    if key == "minLength":
        return "Not blank." if value == 1 else f"At least {value} characters."
    if key == "maxLength":
        return f"At most {value:,} characters." if isinstance(value, int) else None
    if key == "uniqueItems":
        return "No item twice." if value else None
    if key == "not" and value == {"pattern": ZERO_PATTERN}:
        return "Above zero."
    return None


def strictified(schema: Schema, *, nullable: bool = False) -> Schema:
    """``schema`` under OpenAI's strict rules, recursively: every property required, the
    optional ones nullable (null means "not given"), ``additionalProperties: false`` on
    every object, and no keyword outside the supported set (its meaning moved into the
    description)."""
    out: Schema = {}
    notes: list[str] = []
    for key, value in schema.items():
        if key == "default":
            notes.append(f"null: the default, {json.dumps(value)}.")
        elif key not in STRICT_KEYWORDS:
            note = _restated(key, value)
            if note is not None:
                notes.append(note)
        elif key == "format" and value not in STRICT_FORMATS:
            notes.append(f"Format: {value}.")
        else:
            out[key] = value
    if schema.get("type") == "object":
        properties: dict[str, Schema] = schema.get("properties", {})
        required = set(schema.get("required", ()))
        out["properties"] = {name: strictified(prop, nullable=name not in required)
                             for name, prop in properties.items()}
        out["required"] = list(properties)
        out["additionalProperties"] = False
    if isinstance(schema.get("items"), dict):
        out["items"] = strictified(schema["items"])
    if nullable:
        if "default" not in schema:
            notes.append("null if not given.")
        types = out["type"] if isinstance(out["type"], list) else [out["type"]]
        out["type"] = [*types, "null"]
        if "enum" in out:
            out["enum"] = [*out["enum"], None]
    if notes:
        out["description"] = " ".join([*filter(None, [out.get("description")]), *notes])
    return out


# --- the cache ----------------------------------------------------------------------------

_SCHEMAS: dict[bool, dict[str, Schema]] = {}


def schemas(strict: bool) -> dict[str, Schema]:
    """Every command's schema by name, built once: shared, never to be changed."""
    built = _SCHEMAS.get(strict)
    if built is None:
        natural = {name: _natural(cls) for name, cls in COMMAND_TYPES.items()}
        built = natural if not strict else {
            name: {key: value for key, value in strictified(schema).items()
                   if key != "$schema"} for name, schema in natural.items()}
        _SCHEMAS[strict] = built
    return built


def _checked_name(name: object) -> str:
    if not isinstance(name, str) or name not in COMMAND_TYPES:
        raise InvalidValueError(f"{shown(name)} is not a command; the commands are "
                                + ", ".join(COMMAND_TYPES), argument="name")
    return name


def command_schema(name: str, *, strict: bool = False) -> Schema:
    """The JSON Schema (draft 2020-12) of the arguments of the command ``name``.

    Each argument has its description and every constraint the parser enforces: the
    allowed values of an enum, non-blank text (``minLength`` and a ``pattern`` of the
    characters that show something), at most the default policy's
    ``max_text_length`` characters, times with their UTC offset (``format`` and a
    ``pattern``), amounts as decimal strings (never numbers), distinct ids in a list, the
    bounds of a score. ``command_id`` is left out: the host sets it. Every object has
    ``additionalProperties: false``.

    ``strict=True`` follows OpenAI's strict rules: every property is required, an optional
    one is nullable (``null`` means "not given", which
    :func:`~complaintflow.apply_json` reads so) and keywords strict mode does not support
    are left out, their meaning said in the description. The result is a fresh copy;
    an unknown ``name`` raises :class:`~complaintflow.InvalidValueError`.
    """
    return copy.deepcopy(schemas(bool(strict))[_checked_name(name)])


def command_schemas(*, strict: bool = False) -> dict[str, Schema]:
    """:func:`command_schema` of every command, by name, in workflow order."""
    return copy.deepcopy(schemas(bool(strict)))


def _kind(schema: Schema) -> str:
    """A property's type, in words, for the docs."""
    if "enum" in schema:
        values = schema["enum"]
        if len(values) > 10:
            return "an ISO 4217 currency code"
        return "one of " + ", ".join(f"`{value}`" for value in values)
    kind = schema.get("type")
    if kind == "array" and "enum" in schema["items"]:
        values = ", ".join(f"`{value}`" for value in schema["items"]["enum"])
        return f"list of one or more of {values}"
    if kind == "array":
        return f"list of {_kind(schema['items'])}s, distinct, at least one"
    if kind == "integer":
        return f"whole number from {schema['minimum']} to {schema['maximum']}"
    if kind == "boolean":
        return "`true` or `false`"
    pattern = schema.get("pattern", "")
    if pattern in (ID_PATTERNS["concern"], ID_PATTERNS["action"]):
        return "concern id" if pattern == ID_PATTERNS["concern"] else "action id"
    if pattern == TIME_PATTERN:
        return "time with its offset"
    if pattern == AMOUNT_PATTERN:
        return "decimal string"
    return "text"


def argument_table() -> str:
    """The docs' table of every command's arguments, from the schemas: what the tools
    take (``name?``: may be left out, or null)."""
    lines = ["| tool | argument | type | what it is |", "|---|---|---|---|"]
    for name, schema in schemas(False).items():
        properties: dict[str, Schema] = schema["properties"]
        if not properties:
            lines.append(f"| `{name}` | \u2013 | | |")
        for index, (argument, prop) in enumerate(properties.items()):
            shown_name = argument if argument in schema["required"] else f"{argument}?"
            words = prop["description"].replace("|", "\\|")
            lines.append(f"| {f'`{name}`' if index == 0 else ''} | `{shown_name}` | "
                         f"{_kind(prop)} | {words} |")
    return "\n".join(lines) + "\n"
