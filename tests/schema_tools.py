"""For the agents' tests: OpenAI's strict rules as a checker, and payloads drawn from a JSON
Schema (only from the schema: the generator knows nothing of the commands)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

Schema = dict[str, Any]

STRICT_KEYWORDS = {
    "type", "properties", "required", "additionalProperties", "items", "enum", "const",
    "anyOf", "$ref", "$defs", "description", "title", "pattern", "format", "multipleOf",
    "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum", "minItems", "maxItems"}
"""What OpenAI's Structured Outputs guide lists as supported in strict mode."""
STRICT_FORMATS = {"date-time", "time", "date", "duration", "email", "hostname", "ipv4",
                  "ipv6", "uuid"}


def _types(schema: Schema) -> list[str]:
    kind = schema.get("type", [])
    return kind if isinstance(kind, list) else [kind]


def strict_problems(schema: Schema, path: str = "#", nullable: bool | None = None,
                    ) -> list[str]:
    """Every way ``schema`` breaks OpenAI's strict rules (none: it complies).

    ``nullable`` says whether the property must accept null (an optional one) or must not
    (a required one); ``None`` for the root and array items.
    """
    found: list[str] = []
    if path == "#" and (_types(schema) != ["object"] or "anyOf" in schema):
        found.append("#: the root must be an object, not anyOf")
    found += [f"{path}: {key!r} is not supported in strict mode" for key in schema
              if key not in STRICT_KEYWORDS]
    if "format" in schema and schema["format"] not in STRICT_FORMATS:
        found.append(f"{path}: format {schema['format']!r} is not supported")
    if nullable is not None:
        accepts_null = "null" in _types(schema)
        if accepts_null != nullable:
            found.append(f"{path}: " + ("an optional property must accept null" if nullable
                                        else "a required property must not accept null"))
        if "enum" in schema and (None in schema["enum"]) != accepts_null:
            found.append(f"{path}: the enum must list null exactly when the type does")
    if "object" in _types(schema):
        if schema.get("additionalProperties") is not False:
            found.append(f"{path}: additionalProperties must be false")
        properties: dict[str, Schema] = schema.get("properties", {})
        if list(schema.get("required", [])) != list(properties):
            found.append(f"{path}: required must list every property, in order")
        for name, prop in properties.items():
            optional = "null" in _types(prop)
            found += strict_problems(prop, f"{path}/properties/{name}", optional)
    if isinstance(schema.get("items"), dict):
        found += strict_problems(schema["items"], f"{path}/items")
    return found


def every_object(schema: Schema) -> list[Schema]:
    """``schema`` and every schema nested in it that describes an object."""
    found = [schema] if "object" in _types(schema) else []
    for prop in schema.get("properties", {}).values():
        found += every_object(prop)
    if isinstance(schema.get("items"), dict):
        found += every_object(schema["items"])
    return found


TEXT = st.characters(exclude_categories=["Cs"])
"""JSON text is Unicode text: a lone surrogate is not a character (see the docs)."""


def values(schema: Schema) -> st.SearchStrategy[object]:
    """Values valid by ``schema``, in the subset of JSON Schema the commands' schemas use."""
    options: list[st.SearchStrategy[object]] = []
    for kind in _types(schema):
        if kind == "null":
            options.append(st.none())
        elif "enum" in schema:
            options.append(st.sampled_from([v for v in schema["enum"] if v is not None]))
        elif kind == "string":
            low, high = schema.get("minLength", 0), schema.get("maxLength", 200)
            text = (st.from_regex(schema["pattern"], fullmatch=True, alphabet=TEXT)
                    if "pattern" in schema else st.text(TEXT, min_size=low))
            text = text.filter(_length_between(low, high))
            if "not" in schema:  # the commands' only use: a pattern a value must not match
                text = text.filter(_not_matching(re.compile(schema["not"]["pattern"])))
            options.append(text)
        elif kind == "integer":
            options.append(st.integers(schema.get("minimum"), schema.get("maximum")))
        elif kind == "boolean":
            options.append(st.booleans())
        elif kind == "array":
            options.append(st.lists(values(schema["items"]), min_size=schema.get("minItems", 0),
                                    max_size=4, unique=bool(schema.get("uniqueItems"))))
        elif kind == "object":
            options.append(objects(schema))
        else:
            raise AssertionError(f"no strategy for {kind!r}")
    return st.one_of(options)


def _not_matching(excluded: re.Pattern[str]) -> Callable[[str], bool]:
    return lambda text: excluded.search(text) is None


def _length_between(low: int, high: int) -> Callable[[str], bool]:
    return lambda text: low <= len(text) <= high


def objects(schema: Schema) -> st.SearchStrategy[object]:
    properties: dict[str, Schema] = schema.get("properties", {})
    required = set(schema.get("required", []))
    return st.fixed_dictionaries(
        {name: values(prop) for name, prop in properties.items() if name in required},
        optional={name: values(prop) for name, prop in properties.items()
                  if name not in required})
