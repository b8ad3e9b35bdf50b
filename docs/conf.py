"""Sphinx configuration for the complaintflow documentation.

Build (warnings are errors)::

    .venv/bin/python -m sphinx -W --keep-going -b html docs docs/_build/html

The workflow diagram is not written by hand: on ``builder-inited`` this file writes
``docs/_generated/workflow.mmd`` from :func:`complaintflow.workflow_diagram`, and
``workflow.md`` includes that file with the ``mermaid`` directive. Likewise
``_generated/rules.md``, the audit's rules reference, comes from the rule registry
(:data:`complaintflow.audit.BUILTIN_RULES`) and ``rules.md`` includes it; the command,
event and reason-code tables of ``concepts.md`` come from the workflow's rows.
``docs/_generated/`` is build output.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from sphinx.application import Sphinx

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS.parent / "src"))  # document the working tree, installed or not

import complaintflow  # noqa: E402  (needs the path above)

GENERATED = DOCS / "_generated"

# -- project -------------------------------------------------------------------------------

project = "complaintflow"
author = "complaintflow developers"
copyright = "complaintflow developers"
release = complaintflow.__version__
version = release

# -- general -------------------------------------------------------------------------------

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinxcontrib.mermaid",
]
source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "_generated", "Thumbs.db", ".DS_Store"]
# Every cross-reference must resolve (-W makes a broken one an error). The standard
# library is not linked (no intersphinx: the build needs no network), and a TypeVar in a
# signature has no page of its own.
nitpicky = True
nitpick_ignore_regex = [
    ("py:class", r"(datetime|decimal|collections\.abc|os|pathlib|zoneinfo|typing)(\..+)?"),
    ("py:class", r"(Decimal|date|time|timedelta|datetime)"),
    ("py:class", r"complaintflow\.[\w.]*\._\w+\.[A-Z]"),  # TypeVars such as _trail.T
    ("py:class", r"(Server|mcp\..+)"),  # the mcp SDK's types (an extra, not documented here)
]

myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

# -- autodoc -------------------------------------------------------------------------------

# Types in the signatures: an attrs class's signature is its list of fields, so a
# "Parameters" list under it would only repeat them. Long signatures wrap one per line.
autodoc_typehints = "signature"
autodoc_typehints_format = "short"
python_maximum_signature_line_length = 88
autodoc_member_order = "bysource"
autodoc_class_signature = "mixed"
autodoc_default_options = {"exclude-members": "__init__, __new__"}
# The library annotates with strings (``from __future__ import annotations``): keep the
# unions' names instead of spelling out every member.
autodoc_type_aliases = {
    "AnyCommand": "complaintflow.commands.AnyCommand",
    "AnyEvent": "complaintflow.events.AnyEvent",
    "Result": "complaintflow.Result",
    "JsonValue": "complaintflow.JsonValue",
    "ClockSubject": "complaintflow.Complaint",  # what the clocks read of a complaint
}
_ALIAS_REPR = re.compile(r"TypeAliasForwardRef\('([\w.]+)'\)")


def _alias_names(app: Sphinx, what: str, name: str, obj: object, options: object,
                 signature: str | None, return_annotation: str | None,
                 ) -> tuple[str | None, str | None]:
    """Show an alias nested in a generic (``tuple[AnyEvent, ...]``) by its name.

    Sphinx renders such an alias as ``TypeAliasForwardRef('...')``; outside a generic it
    already shows the name.
    """
    def tidy(text: str | None) -> str | None:
        return None if text is None else _ALIAS_REPR.sub(r"\1", text)

    return tidy(signature), tidy(return_annotation)


# -- html ----------------------------------------------------------------------------------

html_theme = "furo"
html_title = f"complaintflow {release}"
html_static_path: list[str] = []

# -- the generated workflow diagram --------------------------------------------------------


def _write(name: str, text: str) -> Path:
    """Write ``_generated/<name>``; rewrite only when it changed (Sphinx rebuilds less)."""
    GENERATED.mkdir(exist_ok=True)
    target = GENERATED / name
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")
    return target


def write_workflow_diagram(app: Sphinx | None = None) -> Path:
    """Write ``_generated/workflow.mmd`` from the code."""
    return _write("workflow.mmd", complaintflow.workflow_diagram())


def write_definition_tables(app: Sphinx | None = None) -> list[Path]:
    """Write the command, event and reason-code tables from the workflow's rows."""
    from complaintflow._formats.reference import command_table, event_table, reason_code_table
    from complaintflow._values.reasons import ReasonKind

    return [_write("commands.md", command_table()), _write("events.md", event_table()),
            _write("reasons-bad-input.md", reason_code_table(ReasonKind.BAD_INPUT)),
            _write("reasons-rule.md", reason_code_table(ReasonKind.RULE)),
            _write("reasons-not-found.md", reason_code_table(ReasonKind.NOT_FOUND))]


def _type_name(schema: dict[str, object]) -> str:
    """A JSON Schema type, in words and links to the other tables."""
    if "$ref" in schema:
        name = str(schema["$ref"]).rsplit("/", 1)[-1]
        return f"[{name}](#{name.lower()})"
    if "anyOf" in schema:
        options = schema["anyOf"]
        assert isinstance(options, list)
        return " or ".join(_type_name(option) for option in options)
    if "const" in schema:
        return f"`{json.dumps(schema['const'])}`"
    if "enum" in schema:
        values = schema["enum"]
        assert isinstance(values, list)
        return "one of " + ", ".join(f"`{value}`" for value in values)
    kind = str(schema.get("type"))
    if kind == "array":
        items = schema["items"]
        assert isinstance(items, dict)
        return f"array of {_type_name(items)}"
    return {"string": "string", "integer": "integer", "boolean": "boolean",
            "null": "`null`"}.get(kind, kind) + _format(schema)


def _format(schema: dict[str, object]) -> str:
    description = str(schema.get("description", ""))
    if "ISO-8601 time" in description:
        return " (time)"
    if "duration" in description:
        return " (duration)"
    if "decimal" in description:
        return " (decimal)"
    return " (date)" if schema.get("format") == "date" else ""


def write_snapshot_reference(app: Sphinx | None = None) -> Path:
    """Write ``_generated/snapshot-reference.md``: one table per object of the schema."""
    schema = complaintflow.snapshot_schema()
    lines: list[str] = []

    def table(title: str, node: dict[str, object]) -> None:
        lines.extend([f"## {title}", "", str(node.get("description", "")), ""])
        properties = node.get("properties")
        if isinstance(properties, dict):
            lines.extend(["| field | type |", "|---|---|"])
            lines.extend(f"| `{name}` | {_type_name(sub)} |" for name, sub in properties.items())
        lines.append("")

    table("Complaint", schema)
    definitions = schema["$defs"]
    assert isinstance(definitions, dict)
    for name, node in definitions.items():
        if name != "Complaint":
            table(name, node)
    return _write("snapshot-reference.md", "\n".join(lines))


# -- the generated rules reference ---------------------------------------------------------


def write_rules_reference(app: Sphinx | None = None) -> Path:
    """Write ``_generated/rules.md`` from the registry; rewrite only when it changed."""
    from complaintflow.audit._report import rules_reference

    return _write("rules.md", rules_reference())


def write_tool_arguments(app: Sphinx | None = None) -> Path:
    """Write ``_generated/tool-arguments.md``: every tool's arguments, from the schemas."""
    from complaintflow.agents._schema import argument_table

    return _write("tool-arguments.md", argument_table())


def setup(app: Sphinx) -> dict[str, object]:
    app.connect("builder-inited", write_workflow_diagram)
    app.connect("builder-inited", write_snapshot_reference)
    app.connect("builder-inited", write_rules_reference)
    app.connect("builder-inited", write_definition_tables)
    app.connect("builder-inited", write_tool_arguments)
    app.connect("autodoc-process-signature", _alias_names)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
