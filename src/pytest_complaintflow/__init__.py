"""The complaintflow pytest plugin, registered through the ``pytest11`` entry point.

It is loaded in every pytest run of an environment where complaintflow is installed, so
it imports nothing of complaintflow until a fixture or a comparison needs it.

Fixtures:

``complaint_clock``
    a :class:`complaintflow.testing.ManualClock`, fresh for each test.
``complaint_factory``
    a :class:`complaintflow.testing.ComplaintFactory` on that clock:
    ``complaint_factory()`` opens a conversation, ``complaint_factory(stage=...)`` brings
    one to a stage by the shortest model-based path.

``assert scorecard == other`` shows the differing items, rule by rule.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from complaintflow.testing import ComplaintFactory, ManualClock


@pytest.fixture
def complaint_clock() -> ManualClock:
    """A manual clock at 2026-01-05 09:00 UTC that moves one minute per tick."""
    from complaintflow.testing import ManualClock

    return ManualClock()


@pytest.fixture
def complaint_factory(complaint_clock: ManualClock) -> ComplaintFactory:
    """Opens complaints on ``complaint_clock``; each is a recorded conversation."""
    from complaintflow.testing import ComplaintFactory

    return ComplaintFactory(complaint_clock)


def pytest_assertrepr_compare(config: pytest.Config, op: str, left: object,
                              right: object) -> list[str] | None:
    """Explain ``scorecard == scorecard`` item by item."""
    model = sys.modules.get("complaintflow.audit._model")
    if op != "==" or model is None:  # no scorecard can exist before the audit is imported
        return None
    scorecard: type[object] = model.Scorecard
    if isinstance(left, scorecard) and isinstance(right, scorecard):
        from complaintflow.testing._compare import compare_scorecards

        return compare_scorecards(left, right)  # type: ignore[arg-type]  # narrowed above
    return None
