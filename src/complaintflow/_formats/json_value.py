"""The type of JSON data, as ``json.loads`` returns it."""

from __future__ import annotations

from typing import TypeAlias

JsonValue: TypeAlias = "bool | int | float | str | list[JsonValue] | dict[str, JsonValue] | None"
"""Any JSON value, as ``json.loads`` returns it."""
