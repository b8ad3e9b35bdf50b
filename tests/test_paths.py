"""Model-based paths from the workflow definition, and transition coverage of event logs.

The covering paths drive the project's own tests through every transition: this module
plays each of them (checking that replay rebuilds the complaint and that the audit runs),
and asserts that the logs cover 100% of the workflow's transitions.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from complaintflow import COMMAND_TYPES, Complaint, InvalidValueError, Stage
from complaintflow._core.definition import RECORDED_BY as _COMMAND_OF_EVENT
from complaintflow._core.workflow import WORKFLOW, definition
from complaintflow.audit import audit
from complaintflow.events import EVENT_TYPES
from complaintflow.testing import (
    DEFAULT_START,
    CommandPath,
    Transition,
    all_transitions,
    covering_paths,
    shortest_paths,
    transition_coverage,
)
from complaintflow.testing._paths import _RECIPES

from .scenario_logs import careless_conversation, payroll_outage

COVERING = covering_paths()


def test_every_command_has_a_recipe_and_every_event_a_command() -> None:
    assert set(_RECIPES) == set(COMMAND_TYPES)
    assert set(_COMMAND_OF_EVENT) == set(EVENT_TYPES) - {"complaint_opened", "stage_changed"}
    assert set(_COMMAND_OF_EVENT.values()) == set(COMMAND_TYPES)


def test_transitions_come_from_the_definition() -> None:
    expected = sum(len(sources) for _, sources, _, _ in definition())
    assert len(all_transitions()) == expected == len(WORKFLOW.routes)
    branched = [t for t in all_transitions() if t.branch is not None]
    assert {str(t) for t in branched} == {
        "listening --no_more_concerns [several_open_concerns]--> prioritizing",
        "responding --confirm_next_steps [anything_open]--> following_up",
    }
    assert str(Transition("assign", Stage.LISTENING, None)) == "listening --assign--> (stays)"


def test_a_shortest_path_reaches_every_stage() -> None:
    paths = shortest_paths()
    assert set(paths) == set(Stage)
    for stage, path in paths.items():
        assert path.stage is stage
        assert path.play().complaint.stage is stage
    assert [c.command for c in paths[Stage.PRIORITIZING].commands].count("hear_concern") == 2
    assert len(paths[Stage.VERIFYING].steps) == 0
    assert [c.command for c in paths[Stage.CLOSED].commands] == ["refer"]
    assert len(paths[Stage.RESPONDING].steps) == 9


def test_paths_can_start_anywhere() -> None:
    start = datetime(2030, 6, 1, 12, 0, tzinfo=timezone.utc)
    path = shortest_paths(start=start, step=timedelta(seconds=10))[Stage.FOLLOWING_UP]
    assert path.start == start
    assert path.steps[0].at == start + timedelta(seconds=10)
    recording = path.play("X-1")
    assert recording.complaint.stage is Stage.FOLLOWING_UP
    assert recording.complaint.follow_up_at is not None
    assert recording.complaint.follow_up_at > path.steps[-1].at
    with pytest.raises(InvalidValueError, match="positive"):
        path.rebased(start, timedelta(0))
    with pytest.raises(InvalidValueError):
        path.rebased(datetime(2030, 6, 1))


@pytest.mark.parametrize("path", COVERING, ids=lambda p: f"{len(p.steps)}-steps-to-{p.stage}")
def test_each_covering_path_plays_replays_and_audits(path: CommandPath) -> None:
    recording = path.play()
    assert path.start == DEFAULT_START
    assert Complaint.from_events(recording.events) == recording.complaint
    assert recording.complaint.stage is path.stage
    assert transition_coverage([recording.events]).covered == tuple(
        t for t in all_transitions() if t in set(path.transitions))
    audit(recording)


def test_the_covering_paths_take_every_transition() -> None:
    report = transition_coverage(path.play().events for path in COVERING)
    assert report.complete, report.explain()
    assert report.ratio == 1.0
    assert report.unmatched == ()
    assert report.explain().splitlines() == [f"{len(all_transitions())}/{len(all_transitions())} "
                                             "transitions (100.0%)"]
    assert len(COVERING) < 12  # few, long paths rather than one per transition


def test_coverage_of_a_scenario_says_what_is_missing() -> None:
    report = transition_coverage([payroll_outage()])
    assert 0 < report.ratio < 1
    assert Transition("refer", Stage.VERIFYING, Stage.CLOSED) in report.missing
    assert Transition("prioritize", Stage.PRIORITIZING, Stage.ASSESSING_IMPACT) in (
        report.covered)
    assert "  missing: verifying --refer--> closed" in report.explain().splitlines()


def test_events_outside_the_workflow_are_unmatched() -> None:
    log, seq = careless_conversation()
    report = transition_coverage([log])
    assert f"seq {seq['complete']}: concerns_complete in verifying" in report.unmatched


def test_an_empty_set_of_logs_covers_nothing() -> None:
    report = transition_coverage([])
    assert report.covered == ()
    assert report.ratio == 0.0
    assert not report.complete


def test_the_audit_knows_what_may_precede_a_review() -> None:
    """The contacts rule's list of events allowed before a review is the workflow's."""
    from complaintflow._core.definition import BEFORE_REVIEW as _BEFORE_REVIEW
    from complaintflow.audit._builtin import _BEFORE_REVIEW as AUDIT_BEFORE_REVIEW

    commands = {_COMMAND_OF_EVENT[cls.type] for cls in AUDIT_BEFORE_REVIEW
                if cls.type != "stage_changed"}
    assert commands == set(_BEFORE_REVIEW)
