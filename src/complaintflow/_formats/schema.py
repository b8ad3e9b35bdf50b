"""The JSON Schema of the snapshot, generated from the same attrs types that dump it.

Generated rather than written by hand, so that it cannot drift from the code; the copy
shipped in the package (``snapshot.schema.json``) is compared with it by the tests.
"""

from __future__ import annotations

import enum
import json
import types
import typing
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from importlib import resources
from typing import Any

import attrs

from .._core.complaint import Complaint
from .._values.checks import AMOUNT_PATTERN
from .integrity import DIGEST
from .json_value import JsonValue
from .stored_json import DURATION
from .upcasters import SNAPSHOT_SCHEMA, SNAPSHOT_VERSION

Schema = dict[str, Any]

_DATE = r"\d{4}-\d{2}-\d{2}"
_PRIMITIVES: dict[object, Schema] = {
    str: {"type": "string"},
    int: {"type": "integer"},
    bool: {"type": "boolean"},
    Decimal: {"type": "string", "pattern": AMOUNT_PATTERN,
              "description": "An amount as a decimal string in fixed point, such as \"49.99\" "
                             "(at most 15 digits before the point and 6 after)."},
    datetime: {"type": "string", "format": "date-time",
               "pattern": rf"^{_DATE}T\d{{2}}:\d{{2}}:\d{{2}}(\.\d+)?([+-]\d{{2}}:\d{{2}}|Z)$",
               "description": "An ISO-8601 time with a UTC offset."},
    date: {"type": "string", "format": "date", "pattern": f"^{_DATE}$"},
    time: {"type": "string", "pattern": r"^\d{2}:\d{2}(:\d{2}(\.\d+)?)?$"},
    timedelta: {"type": "string", "pattern": f"^{DURATION.pattern}$",  # what load reads
                "description": "An ISO-8601 duration in days and seconds, such as \"P30D\"."},
}


def snapshot_schema() -> dict[str, JsonValue]:
    """The JSON Schema (draft 2020-12) of the snapshots this release writes."""
    definitions: dict[str, Schema] = {}
    body = _object(Complaint, definitions)
    digest = {"type": "string", "pattern": f"^({DIGEST.pattern})$",
              "description": "A digest: sha256:<hex>, or hmac-sha256:<key id>:<hex>."}
    properties = {
        "schema": {"const": SNAPSHOT_SCHEMA},
        "schema_version": {"const": SNAPSHOT_VERSION},
        "head": {"anyOf": [digest, {"type": "null"}],
                 "description": "The digest of the complaint's last stored event."},
        "digest": {**digest, "description": "The snapshot's own digest, chained to head."},
        **body["properties"],
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"urn:complaintflow:snapshot:{SNAPSHOT_VERSION}",
        "title": "complaintflow complaint snapshot",
        "description": body["description"],
        "type": "object",
        "additionalProperties": False,
        "required": list(properties),
        "properties": properties,
        "$defs": dict(sorted(definitions.items())),
    }


def shipped_schema() -> dict[str, JsonValue]:
    """The schema file shipped in the package."""
    text = resources.files("complaintflow").joinpath("snapshot.schema.json").read_text("utf-8")
    loaded: dict[str, JsonValue] = json.loads(text)
    return loaded


def schema_text() -> str:
    """:func:`snapshot_schema` as the JSON text of the shipped file."""
    return json.dumps(snapshot_schema(), indent=2) + "\n"


def _object(cls: type[Any], definitions: dict[str, Schema]) -> Schema:
    hints = typing.get_type_hints(cls)
    names = [a.name for a in attrs.fields(cls) if a.init]
    if cls is Complaint:  # the envelope puts revision and stage first
        names = ["revision", "stage", *(n for n in names if n not in ("revision", "stage"))]
    return {
        "description": (cls.__doc__ or "").strip().split("\n\n")[0].replace("\n", " "),
        "type": "object",
        "additionalProperties": False,
        "required": names,
        "properties": {name: _schema(hints[name], definitions) for name in names},
    }


def _schema(tp: Any, definitions: dict[str, Schema]) -> Schema:
    if tp in _PRIMITIVES:
        return dict(_PRIMITIVES[tp])
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return _definition(tp, definitions, lambda: {
            "description": (tp.__doc__ or "").strip().splitlines()[0],
            "enum": [member.value for member in tp]})
    if attrs.has(tp):
        return _definition(tp, definitions, lambda: _object(tp, definitions))
    origin, arguments = typing.get_origin(tp), typing.get_args(tp)
    if origin is tuple and len(arguments) == 2 and arguments[1] is Ellipsis:
        return {"type": "array", "items": _schema(arguments[0], definitions)}
    if origin in (typing.Union, types.UnionType):
        return {"anyOf": [_schema(argument, definitions) for argument in arguments]}
    if tp is type(None):
        return {"type": "null"}
    raise TypeError(f"no JSON Schema for {tp!r}; teach complaintflow._formats.schema about it")


def _definition(tp: type[Any], definitions: dict[str, Schema],
                build: typing.Callable[[], Schema]) -> Schema:
    if tp.__name__ not in definitions:
        definitions[tp.__name__] = {}  # placeholder: a class may refer to itself
        definitions[tp.__name__] = build()
    return {"$ref": f"#/$defs/{tp.__name__}"}

