"""One row per command: the registries come from the rows, and an incomplete row stops the
import with a message that names what is missing."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar, final, get_args

import pytest
from attrs import frozen
from mypy import api

import complaintflow
from complaintflow import commands as cmd
from complaintflow import events as ev
from complaintflow._core.definition import (
    BEFORE_REVIEW,
    RECORDED_BY,
    REFUSALS,
    ROW_OF,
    problems,
)
from complaintflow._core.row import Branch, Row, moves, stays_in
from complaintflow._core.steps import ROWS
from complaintflow._core.workflow import WORKFLOW
from complaintflow._values.enums import Stage
from complaintflow._values.reasons import INVALID_TIME, REASON_CODES, Reason, ReasonKind

PACKAGE = Path(complaintflow.__file__).resolve().parent
COMMANDS = get_args(cmd.AnyCommand)
EVENTS = get_args(ev.AnyEvent)


def test_the_registries_are_the_rows() -> None:
    assert [row.name for row in ROWS] == list(ROW_OF) == list(cmd.COMMAND_TYPES)
    assert {row.command for row in ROWS} == set(COMMANDS)
    assert {row.event.type: row.name for row in ROWS} == RECORDED_BY
    assert set(REFUSALS) == set(cmd.COMMAND_TYPES)
    assert all(code.code in REASON_CODES for codes in REFUSALS.values() for code in codes)


def test_the_derived_registries_are_what_the_workflow_had_by_hand() -> None:
    """The sets the workflow used to keep as literals, derived now: no behaviour changed."""
    assert {
        "review_open_items", "end_contact", "apologize", "express_empathy", "let_vent",
        "record_emotion", "take_responsibility", "record_internal_note", "brief_team",
        "assign", "escalate", "withdraw", "record_root_cause", "record_preventive_action",
        "record_communication", "classify", "record_decision", "record_redress",
        "record_vulnerability"} == BEFORE_REVIEW
    # returns, practices, the check-in
    assert len(WORKFLOW.routes) == 105 + 4 * 8 + 7 + 5 + 2 * 7 + 8 + 7 + 3
    assert WORKFLOW.commands_for(Stage.VERIFYING)[:3] == ("verify_customer", "refer", "assign")


def test_the_complete_definition_has_no_problems() -> None:
    assert problems(ROWS, COMMANDS, EVENTS, cmd.__all__, ev.__all__) == []


# --- an incomplete definition, named -----------------------------------------------------


@final
@frozen(kw_only=True)
class ShipParcel(cmd.Command):
    command: ClassVar[str] = "ship_parcel"


@final
@frozen(kw_only=True)
class ParcelShipped(ev.Event):
    type: ClassVar[str] = "parcel_shipped"


def _ship(c: Any, command: ShipParcel, seq: int, at: datetime) -> ParcelShipped | list[Reason]:
    return ParcelShipped(seq=seq, at=at)


def _shipped(c: Any, e: ParcelShipped) -> dict[str, Any]:
    return {}


def _row(**changes: Any) -> Row[Any, Any]:
    fields: dict[str, Any] = dict(command=ShipParcel, event=ParcelShipped, decide=_ship,
                                  evolve=_shipped, routes=(stays_in(Stage.RESPONDING),),
                                  before_review=False)
    fields.update(changes)
    return Row(**fields)


def _problems(rows: tuple[Row[Any, Any], ...] = (), *, commands: tuple[type, ...] = (),
              events: tuple[type, ...] = (), exported: tuple[str, ...] = ()) -> list[str]:
    return problems((*ROWS, *rows), (*COMMANDS, *commands), (*EVENTS, *events),
                    (*cmd.__all__, *exported), (*ev.__all__, *exported))


def test_a_command_without_a_row_is_named() -> None:
    found = _problems(commands=(ShipParcel,), exported=("ShipParcel",))
    assert found == ["command ShipParcel ('ship_parcel') has no row: declare one, "
                     "Row(command=ShipParcel, ...), in a module of complaintflow._core.steps"]


def test_an_event_without_a_row_is_named() -> None:
    found = _problems(events=(ParcelShipped,), exported=("ParcelShipped",))
    assert found == ["event ParcelShipped ('parcel_shipped') is recorded by no row: name it "
                     "as the event of its command's row in a module of complaintflow._core.steps"]


def test_a_row_outside_the_unions_is_named() -> None:
    found = _problems((_row(),), exported=("ShipParcel", "ParcelShipped"))
    assert found == [
        "ShipParcel has a row but is not in complaintflow.commands.AnyCommand",
        "the row of ShipParcel records ParcelShipped, which is not an event of "
        "complaintflow.events.AnyEvent that a command may record"]


def test_a_class_missing_from_all_is_named() -> None:
    found = _problems((_row(),), commands=(ShipParcel,), events=(ParcelShipped,))
    assert found == ["ShipParcel is not in complaintflow.commands.__all__",
                     "ParcelShipped is not in complaintflow.events.__all__"]


@pytest.mark.parametrize(("changes", "expected"), [
    ({"routes": ()}, "the row of ShipParcel has no route: no stage would accept ship_parcel"),
    ({"routes": (moves(Stage.RESPONDING, to=Stage.RECAPPING, when=Branch.ANYTHING_OPEN),)},
     "the row of ShipParcel: the last route from responding needs no branch, or ship_parcel "
     "may match no route there"),
    ({"routes": (stays_in(Stage.RESPONDING), moves(Stage.RESPONDING, to=Stage.CLOSED))},
     "the row of ShipParcel: a route from responding can never be taken, because an earlier "
     "route from there has no branch"),
    ({"refusals": (INVALID_TIME,)},
     "the row of ShipParcel refuses with 'invalid_time', which is not a rule code"),
    ({"command": cmd.HearConcern}, "HearConcern has two rows"),
])
def test_an_incomplete_row_is_named(changes: dict[str, Any], expected: str) -> None:
    found = _problems((_row(**changes),), commands=(ShipParcel,), events=(ParcelShipped,),
                      exported=("ShipParcel", "ParcelShipped"))
    assert expected in found


def test_every_refusal_is_a_rule_code() -> None:
    assert {code.kind for row in ROWS for code in row.refusals} == {ReasonKind.RULE}


# --- the real import, with a piece left out ----------------------------------------------


def _import_copy(tmp_path: Path, change: Callable[[Path], None], module: str) -> str:
    """Copy the package, change it, import ``module`` from the copy: what the import says."""
    copy = tmp_path / "src"
    shutil.copytree(PACKAGE, copy / "complaintflow",
                    ignore=shutil.ignore_patterns("__pycache__"))
    change(copy / "complaintflow")
    result = subprocess.run([sys.executable, "-c", f"import {module}"], cwd=copy,
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode != 0, "the incomplete package imported"
    return result.stderr


def _drop(path: Path, text: str) -> None:
    source = path.read_text(encoding="utf-8")
    assert text in source
    path.write_text(source.replace(text, ""), encoding="utf-8")


def test_importing_without_a_row_names_the_command(tmp_path: Path) -> None:
    def drop_the_row(package: Path) -> None:
        _drop(package / "_core" / "steps" / "verify.py", textwrap.dedent('''\
            ASSIGN = Row(
                command=cmd.Assign, event=ev.ComplaintAssigned, decide=_assign, evolve=_assigned,
                routes=(stays_in(*OPEN_STAGES),), before_review=True)
            '''))

    stderr = _import_copy(tmp_path, drop_the_row, "complaintflow")
    assert "complaintflow's workflow definition is incomplete" in stderr
    assert "command Assign ('assign') has no row" in stderr
    assert "event ComplaintAssigned ('complaint_assigned') is recorded by no row" in stderr


def test_importing_without_a_recipe_names_the_command(tmp_path: Path) -> None:
    def drop_the_recipe(package: Path) -> None:
        _drop(package / "testing" / "_paths.py",
              '    "assign": _always(cmd.Assign(agent="agent-2", skill="billing")),\n')

    stderr = _import_copy(tmp_path, drop_the_recipe, "complaintflow.testing")
    assert "the path recipes" in stderr
    assert "differ: assign" in stderr


def test_a_guard_for_another_command_is_a_type_error(tmp_path: Path) -> None:
    """Row is generic in its command and event: mypy refuses a guard or a fold for the
    wrong one, which is what lets a row be checked where it is written."""
    source = tmp_path / "wrong_row.py"
    source.write_text(textwrap.dedent('''\
        from datetime import datetime
        from typing import Any

        from complaintflow import commands as cmd, events as ev
        from complaintflow._core.row import Row, stays_in
        from complaintflow._values.enums import Stage
        from complaintflow._values.reasons import Reason


        def restate(c: Any, command: cmd.RestateConcern, seq: int,
                    at: datetime) -> ev.ConcernRestated | list[Reason]:
            return []


        def heard(c: Any, e: ev.ConcernHeard) -> dict[str, Any]:
            return {}


        WRONG_GUARD = Row(command=cmd.HearConcern, event=ev.ConcernRestated, decide=restate,
                          evolve=heard, routes=(stays_in(Stage.LISTENING),),
                          before_review=False)
        '''), encoding="utf-8")
    limit = sys.getrecursionlimit()
    try:
        out, _, status = api.run(["--strict", "--no-incremental", "--cache-dir",
                                  str(tmp_path), str(source)])
    finally:  # mypy raises the interpreter's limit, which later tests must not inherit
        sys.setrecursionlimit(limit)
    assert status == 1, out
    assert 'Argument "decide" to "Row" has incompatible type' in out
    assert 'Argument "evolve" to "Row" has incompatible type' in out

