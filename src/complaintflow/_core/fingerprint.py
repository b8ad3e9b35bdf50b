"""A command's fingerprint: the digest of its canonical JSON, kept in its receipt so that a
remembered ``command_id`` is recognised only for the command it was given to.

Canonical means after parsing: the command's name and its arguments as values (enums by
value, times in UTC, amounts as plain decimals, arguments left unset or ``None`` out, the
``command_id`` itself out), with sorted keys. The JSON of a command and the typed command
have the same fingerprint; a retry sent with ``"severity": "high"`` matches one built
with ``Severity.HIGH``, and one sent with another description does not.
"""

from __future__ import annotations

import enum
import hashlib
import json
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

from cattrs import Converter

from ..commands import Command


def _canonical_decimal(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text


_converter = Converter(unstruct_collection_overrides={tuple: list})
_converter.register_unstructure_hook(Decimal, _canonical_decimal)
_converter.register_unstructure_hook(
    datetime, lambda value: value.astimezone(timezone.utc).isoformat())
_converter.register_unstructure_hook_func(
    lambda cls: isinstance(cls, type) and issubclass(cls, enum.Enum), lambda e: e.value)


def fingerprint(command: Command) -> str:
    """The fingerprint of ``command``: 32 hex digits of the SHA-256 of its canonical JSON."""
    arguments: dict[str, Any] = _converter.unstructure(command)
    canonical = {key: value for key, value in arguments.items()
                 if value is not None and key != "command_id"}
    canonical["command"] = command.command
    text = json.dumps(canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]
