"""The pytest plugin: registered by entry point, lazy, with fixtures and scorecard diffs."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import entry_points

import pytest

pytest_plugins = ["pytester"]


def test_the_plugin_is_registered_by_entry_point() -> None:
    (point,) = [p for p in entry_points(group="pytest11") if p.name == "complaintflow"]
    assert point.value == "pytest_complaintflow"


def test_importing_the_plugin_imports_nothing_heavy() -> None:
    code = ("import sys, pytest_complaintflow\n"
            "print(sorted(m for m in sys.modules if m.startswith(('complaintflow', "
            "'transitions', 'cattrs'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def test_fixtures_and_assert_complies(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        from complaintflow import ExpressEmpathy, Stage, ThankCustomer
        from complaintflow.testing import ManualClock, assert_complies, assert_trace

        def test_clock(complaint_clock):
            assert isinstance(complaint_clock, ManualClock)
            start = complaint_clock.now
            assert complaint_clock.tick() - start == complaint_clock.step

        def test_factory_to_a_stage(complaint_factory):
            conversation = complaint_factory(stage=Stage.RECAPPING)
            assert conversation.complaint.stage is Stage.RECAPPING
            conversation.do(ExpressEmpathy())
            assert_trace(conversation).has("concern_confirmed").before("concern_resolved")
            assert_complies(conversation)

        def test_a_failure_lists_rules_and_timeline(complaint_factory):
            conversation = complaint_factory("CMP-9", stage=Stage.RECAPPING)
            assert_complies(conversation)
    """)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines([
        "*ComplianceError: complaint CMP-9: 1 failed, *",
        "*- [[]minor[]] empathy_expressed (best practice 2): The agent never expressed "
        "empathy. Evidence: seq *",
        "*timeline:*",
        "*1  2026-01-05 09:00  complaint_opened  complaint_id=CMP-9*",
    ])


def test_scorecard_comparison_is_explained(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        from complaintflow import ExpressEmpathy, Stage
        from complaintflow.audit import audit

        def test_compare(complaint_factory):
            kind = complaint_factory("C-1", stage=Stage.RECAPPING).do(ExpressEmpathy())
            curt = complaint_factory("C-1", stage=Stage.RECAPPING)
            assert audit(kind) == audit(curt)
    """)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "*scorecards of 'C-1' and 'C-1' differ:",
        "*empathy_expressed: result passed != failed",
        "*empathy_expressed: evidence (17,) != (12,)",
        "*empathy_expressed: explanation '' != 'The agent never expressed empathy.'",
    ])


def test_other_comparisons_are_left_alone(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        from complaintflow.audit import audit

        def test_compare():
            assert [1] == [2]
    """)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.no_fnmatch_line("*scorecards*")


def test_the_plugin_can_be_disabled(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        def test_needs_the_fixture(complaint_clock):
            pass
    """)
    result = pytester.runpytest("-p", "no:complaintflow", "-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*fixture 'complaint_clock' not found*"])
