"""The documentation cannot drift from the code.

* Every ```python block of every page under ``docs/`` runs, page by page and in order, in
  one namespace per page (so a block may build on the blocks above it).
* Output convention: every line a block prints is written in the block, in order, as a
  comment ``# -> <line>`` (``# ->`` alone for an empty line). The block's whole standard
  output must equal those lines, so a block without ``# ->`` comments must print nothing.
* A block that reads ``os.environ["COMPLAINTFLOW_DSN"]`` (or ``..._ADMIN_DSN``) needs a
  PostgreSQL server: it is left out where those variables are not set, and a test runs
  its page again on the suite's server, with them set.
* ``docs/concepts.md`` lists every stage, and includes the command, reason-code and event
  tables generated from the workflow definition; those tables list every command (with the
  stages that accept it and its argument names, as the code defines them), every reason
  code and every event type.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
from pathlib import Path

import attrs
import pytest

import complaintflow
from complaintflow import COMMAND_TYPES, Stage, stage_commands
from complaintflow._formats.reference import command_table, event_table, reason_code_table
from complaintflow._values.reasons import REASON_CODES, ReasonKind
from complaintflow.events import EVENT_TYPES

from .conftest import Postgres

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = sorted(
    path for path in DOCS.rglob("*.md")
    if not path.relative_to(DOCS).parts[0].startswith("_")  # _build, _generated
)
CONCEPTS = DOCS / "concepts.md"
PACKAGE = Path(complaintflow.__file__).resolve().parent

FENCE = re.compile(r"^```python[ \t]*\n(.*?)^```[ \t]*$", re.S | re.M)
OUTPUT = re.compile(r"^# ->(?: (?P<line>.*))?$")


class Block:
    """One ```python block: where it is, its code, and the output it promises."""

    def __init__(self, page: Path, line: int, code: str):
        self.page = page
        self.line = line
        self.code = code
        self.expected = [
            match.group("line") or ""
            for match in (OUTPUT.match(text.strip()) for text in code.splitlines())
            if match is not None
        ]

    @property
    def where(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def blocks(page: Path) -> list[Block]:
    text = page.read_text(encoding="utf-8")
    return [Block(page, text.count("\n", 0, match.start(1)) + 1, match.group(1))
            for match in FENCE.finditer(text)]


NEEDS_POSTGRES = re.compile(r'os\.environ\["(COMPLAINTFLOW_(?:ADMIN_)?DSN)"\]')


def run_page(page: Path) -> None:
    namespace: dict[str, object] = {"__name__": f"docs_{page.stem}"}
    for block in blocks(page):
        needs = NEEDS_POSTGRES.findall(block.code)
        if needs and not all(name in os.environ for name in needs):
            continue  # run by test_the_postgres_blocks_run_on_a_real_server
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            try:
                exec(compile(block.code, block.where, "exec"), namespace)
            except Exception as error:
                raise AssertionError(f"the block at {block.where} raised {error!r}") from error
        printed = out.getvalue().splitlines()
        assert printed == block.expected, (
            f"the block at {block.where} printed something else than its '# ->' comments"
        )


# --- the code blocks -----------------------------------------------------------------------


def test_the_pages_with_code_exist() -> None:
    names = {path.relative_to(DOCS).as_posix() for path in PAGES}
    assert {"index.md", "tutorial.md", "concepts.md"} <= names
    assert any(name.startswith("howto/") for name in names)
    assert blocks(DOCS / "tutorial.md"), "the tutorial has no python blocks"


@pytest.mark.parametrize("page", [p for p in PAGES if blocks(p)],
                         ids=lambda p: p.relative_to(DOCS).as_posix())
def test_code_blocks_run_and_print_what_they_say(page: Path) -> None:
    run_page(page)


SKETCH = re.compile(r"^```\{code-block\} python[ \t]*\n(.*?)^```[ \t]*$", re.S | re.M)
SKETCHES = [(page, match.group(1)) for page in PAGES
            for match in SKETCH.finditer(page.read_text(encoding="utf-8"))]


def test_sketches_are_valid_python() -> None:
    """A ``{code-block} python`` is not run, but it must at least compile. (The recipes
    for other libraries are files under ``examples/recipes/`` that the docs include, and
    that tests/test_recipes.py runs.)"""
    for page, code in SKETCHES:
        compile(code, str(page), "exec")


def test_the_postgres_blocks_run_on_a_real_server(postgres: Postgres,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    page = DOCS / "howto" / "persist.md"
    assert any(NEEDS_POSTGRES.search(block.code) for block in blocks(page))
    database = postgres.new_database(template="template1")  # no schema yet
    try:
        monkeypatch.setenv("COMPLAINTFLOW_ADMIN_DSN", postgres.superuser(database))
        monkeypatch.setenv("COMPLAINTFLOW_DSN", postgres.app(database))
        run_page(page)
    finally:
        postgres.drop_database(database)


def test_the_output_convention_is_enforced() -> None:
    block = Block(DOCS / "x.md", 1, 'print("a")\nprint()\n# -> a\n# ->\n')
    assert block.expected == ["a", ""]


# --- the API reference ---------------------------------------------------------------------


def test_the_reports_api_reference_covers_every_public_name() -> None:
    """Each name of ``complaintflow.reports.__all__`` has its entry in api_reports.md, but
    the taxonomies, which are the main package's (and in api.md)."""
    from complaintflow import reports

    page = (DOCS / "api_reports.md").read_text(encoding="utf-8")
    missing = [name for name in reports.__all__ if name not in ("Category", "Taxonomy")
               and not re.search(rf"^\.\. [\w:]+:: complaintflow\.reports\.{name}$",
                                 page, re.M)]
    assert missing == []


def test_api_reference_covers_every_public_name() -> None:
    """Each name of ``complaintflow.__all__`` has its own entry in api.md, except those
    that live in ``complaintflow.commands`` or ``complaintflow.events``, documented there
    by ``automodule``."""
    api = (DOCS / "api.md").read_text(encoding="utf-8")
    modules = (complaintflow.commands, complaintflow.events)
    for module in modules:
        assert f".. automodule:: {module.__name__}" in api

    def in_module(name: str) -> bool:  # a class defined there, or its module-level data
        for module in modules:
            obj = vars(module).get(name)
            if isinstance(obj, type) and obj.__module__ == module.__name__:
                return True
            if obj is not None and not isinstance(obj, type):
                return True
        return False

    missing = [
        name for name in complaintflow.__all__
        if not re.search(rf"^\.\. [\w:]+:: complaintflow\.{re.escape(name)}$", api, re.M)
        and not in_module(name)
    ]
    assert missing == []


# --- concepts.md against the code ----------------------------------------------------------


def concepts() -> str:
    return CONCEPTS.read_text(encoding="utf-8")


def generated() -> str:
    """The tables concepts.md includes from ``_generated/``, as the docs build writes them."""
    return "\n\n".join([command_table(), event_table(),
                         *(reason_code_table(kind) for kind in ReasonKind)])


def test_concepts_includes_the_generated_tables() -> None:
    for name in ("commands", "events", "reasons-bad-input", "reasons-rule"):
        assert f"```{{include}} _generated/{name}.md\n```" in concepts(), name


def table_rows(first_header: str, text: str | None = None) -> list[list[str]]:
    """The body rows of every Markdown table in ``text`` (concepts.md and the tables it
    includes) whose first header cell is ``first_header``."""
    rows: list[list[str]] = []
    header: list[str] | None = None
    for line in (text if text is not None else concepts() + "\n\n" + generated()).splitlines():
        if not line.startswith("|"):
            header = None
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if header is None:
            header = cells
        elif not all(set(cell) <= set("-: ") for cell in cells) and header[0] == first_header:
            rows.append(cells)
    return rows


def ticked(cell: str) -> list[str]:
    return re.findall(r"`([^`]+)`", cell)


OPEN_STAGES = {stage for stage in Stage if stage is not Stage.CLOSED}


def documented_stages(cell: str) -> set[Stage]:
    if "every open stage" in cell:
        return set(OPEN_STAGES)
    if "every stage" in cell:
        return set(Stage)
    return {Stage(name) for name in ticked(cell)}


def test_concepts_lists_every_stage_and_command() -> None:
    text = concepts() + generated()
    for stage in Stage:
        assert f"`{stage.value}`" in text, stage.value
    for name in COMMAND_TYPES:
        assert f"`{name}`" in text, name
    stages = [name for row in table_rows("stage") for name in ticked(row[0])]
    assert stages == [stage.value for stage in Stage], "the stage table, in workflow order"


def command_rows() -> dict[str, list[str]]:
    rows: dict[str, list[str]] = {}
    for row in table_rows("command"):
        (name,) = ticked(row[0])
        assert name not in rows, f"{name} has two rows in the command table"
        rows[name] = row
    return rows


def test_command_table_has_one_row_per_command() -> None:
    assert set(command_rows()) == set(COMMAND_TYPES)


@pytest.mark.parametrize("name", sorted(COMMAND_TYPES))
def test_command_table_stages_match_the_workflow(name: str) -> None:
    actual = {stage for stage in Stage if name in stage_commands(stage)}
    assert documented_stages(command_rows()[name][1]) == actual


@pytest.mark.parametrize("name", sorted(COMMAND_TYPES))
def test_command_table_arguments_match_the_command(name: str) -> None:
    """`name` is a required argument, `name?` an optional one (it has a default).

    Parentheses hold notes on an argument (its values, its default) and are skipped.
    """
    fields = attrs.fields(COMMAND_TYPES[name])
    actual = {field.name + ("?" if field.default is not attrs.NOTHING else "")
              for field in fields if field.name != "command_id"}  # every command's; see below
    names = ticked(re.sub(r"\([^)]*\)", "", command_rows()[name][2]))
    assert set(names) == actual


def test_the_command_id_every_command_takes_is_documented_once() -> None:
    assert all(attrs.fields_dict(cls)["command_id"].default is None
               for cls in COMMAND_TYPES.values())
    assert "`command_id?`" in concepts()


def test_reason_codes_come_only_from_their_declarations() -> None:
    """A reason is built from a declared code (``CODE.reason(...)``), never from a string
    literal, so the published table is every code the library can give."""
    literal = re.compile(r'\bReason\(\s*"|\bcode="(?!calendar_too_short")[a-z_]+"')
    found = [f"{path.relative_to(PACKAGE)}:{number}"
             for path in sorted(PACKAGE.rglob("*.py"))
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if literal.search(line) and "def __init__" not in line]
    assert found == []


def test_reason_code_table_lists_every_declared_code() -> None:
    assert len(REASON_CODES) > 30
    documented = [name for row in table_rows("code", generated()) for name in ticked(row[0])]
    assert sorted(documented) == sorted(REASON_CODES)


def test_event_table_lists_every_event_type() -> None:
    documented = [name for row in table_rows("type", generated()) for name in ticked(row[0])]
    assert sorted(documented) == sorted(EVENT_TYPES)
