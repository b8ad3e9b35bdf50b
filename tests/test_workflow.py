"""The workflow definition: built once on transitions, the single source of routing."""

from __future__ import annotations

import inspect
import sys
import typing
from collections import deque

import attrs
import pytest
import transitions

import complaintflow
from complaintflow import InvalidValueError, Stage, open_complaint, stage_commands, workflow_diagram
from complaintflow._core.workflow import WORKFLOW, _build_machine

from .support import Clock, responding


def test_ten_thousand_complaints_construct_no_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[object] = []
    original = transitions.Machine.__init__

    def counting_init(self: transitions.Machine, *args: object, **kwargs: object) -> None:
        built.append(self)
        original(self, *args, **kwargs)  # type: ignore[arg-type]  # forwarding untyped args

    monkeypatch.setattr(transitions.Machine, "__init__", counting_init)
    clock = Clock()
    complaints = [open_complaint(f"C-{n}", at=clock.now).complaint for n in range(10_000)]
    assert len(complaints) == 10_000
    responding(clock, concerns=2)  # and driving one through five stages builds none either
    assert built == []


def test_the_machine_has_no_models_and_no_auto_transitions() -> None:
    machine = _build_machine()
    assert machine.models == []
    assert not hasattr(machine, "to_listening")  # no auto transitions


def _reachable() -> set[Stage]:
    seen, queue = {Stage.VERIFYING}, deque([Stage.VERIFYING])
    while queue:
        stage = queue.popleft()
        for route in WORKFLOW.routes:
            if route.source is stage and route.dest is not None and route.dest not in seen:
                seen.add(route.dest)
                queue.append(route.dest)
    return seen


def test_every_stage_is_reachable() -> None:
    assert _reachable() == set(Stage)


@pytest.mark.parametrize("stage", [s for s in Stage if s is not Stage.CLOSED])
def test_every_open_stage_has_a_way_out(stage: Stage) -> None:
    exits = {r.dest for r in WORKFLOW.routes if r.source is stage and r.dest not in (None, stage)}
    assert exits, f"{stage} is a dead end"


def test_closed_is_left_only_by_reopen() -> None:
    exits = [r for r in WORKFLOW.routes if r.source is Stage.CLOSED and r.dest is not None]
    assert [(r.command, r.dest) for r in exits] == [("reopen", Stage.LISTENING)]


@pytest.mark.parametrize("stage", list(Stage))
def test_stage_commands_come_from_the_machine(stage: Stage) -> None:
    machine = _build_machine()
    assert set(stage_commands(stage)) == set(machine.get_triggers(stage.value))


def test_allowed_commands_follow_the_stage() -> None:
    complaint = responding(Clock())
    assert complaint.allowed_commands() == stage_commands(Stage.RESPONDING)


def test_every_command_has_a_route_and_every_route_a_command() -> None:
    routed = {route.command for route in WORKFLOW.routes}
    assert routed == set(complaintflow.COMMAND_TYPES)


def test_branches_come_before_their_fallback() -> None:
    for stage in Stage:
        for command in stage_commands(stage):
            routes = WORKFLOW.routes_for(stage, command)
            assert routes[-1].branch is None, (stage, command)
            assert all(route.branch is not None for route in routes[:-1])


def test_the_diagram_draws_every_stage_change_of_the_definition() -> None:
    diagram = workflow_diagram()
    assert diagram.startswith("stateDiagram-v2\n")
    for route in WORKFLOW.routes:
        if route.dest is not None:
            label = route.command + (f" [{route.branch.value}]" if route.branch else "")
            assert f"{route.source.value} --> {route.dest.value}: {label}" in diagram
    edges = [line for line in diagram.splitlines() if "-->" in line and "[*]" not in line]
    assert len(edges) == len({(r.source, r.dest, r.command) for r in WORKFLOW.routes if r.dest})


def test_the_diagram_lists_stage_keeping_commands_in_notes() -> None:
    diagram = workflow_diagram()
    assert ("every open stage: assign, apologize, express_empathy, let_vent, record_emotion, "
            "escalate") in diagram
    assert "start_contact, review_open_items, end_contact" in diagram


def _public_objects() -> list[tuple[str, object]]:
    return [(name, getattr(complaintflow, name)) for name in complaintflow.__all__]


def test_no_transitions_type_and_no_any_in_the_public_api() -> None:
    for name, obj in _public_objects():
        hints: dict[str, object] = {}
        if inspect.isclass(obj):
            if attrs.has(obj):
                hints.update(typing.get_type_hints(obj))
            for _, member in inspect.getmembers(obj, inspect.isfunction):
                if member.__module__.startswith("complaintflow"):
                    hints.update(typing.get_type_hints(member))
        elif inspect.isfunction(obj):
            hints.update(typing.get_type_hints(obj))
        for hint_name, hint in hints.items():
            text = repr(hint)
            assert "transitions" not in text, (name, hint_name, text)
            assert hint is not typing.Any, (name, hint_name)
            assert "typing.Any" not in text, (name, hint_name, text)
        assert not getattr(obj, "__module__", "complaintflow").startswith("transitions"), name


def test_stage_commands_takes_a_stage_or_its_name() -> None:
    assert stage_commands("closed") == stage_commands(Stage.CLOSED)
    with pytest.raises(InvalidValueError, match="stage must be one of"):
        stage_commands("shipped")


def _shares_keys(instance: object) -> bool:
    """Whether CPython keeps ``instance``'s attributes in a key-sharing (split) dict: its
    size counts the values only, so it is below a plain dict of the same items (past the
    limit, an instance dict is a plain one, larger still: 1,584 against 832 bytes)."""
    state = vars(instance)
    return sys.getsizeof(state) < sys.getsizeof(dict(state))


def test_a_fresh_complaint_keeps_the_compact_shared_key_dict() -> None:
    """CPython shares one table of keys among the instances of a class only up to 30 of
    them; one field more and every fresh complaint grows about fivefold in memory. New
    state goes into sub-records (as the clocks' ``timeline`` does)."""
    clock = Clock()
    fresh = open_complaint("C-1", at=clock.now).complaint
    assert _shares_keys(fresh), (sys.getsizeof(vars(fresh)), sys.getsizeof(dict(vars(fresh))))
    assert _shares_keys(responding(clock, concerns=2))  # folding keeps it compact


def test_the_measure_of_shared_keys_sees_a_class_past_the_limit() -> None:
    wide = attrs.make_class("Wide", {f"f{n}": attrs.field(default=n) for n in range(31)},
                            slots=False)
    narrow = attrs.make_class("Narrow", {f"f{n}": attrs.field(default=n) for n in range(20)},
                              slots=False)
    assert not _shares_keys(wide())
    assert _shares_keys(narrow())
