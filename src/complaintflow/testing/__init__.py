"""The test kit: drive complaints in tests, assert compliance and event order, walk the
workflow by model-based paths, and check a complaint store with :class:`StoreContract`.

The pytest plugin (registered as ``complaintflow`` through the ``pytest11`` entry point)
adds the ``complaint_clock`` and ``complaint_factory`` fixtures and readable scorecard
comparisons; everything here also works without pytest.
"""

from .._publish import publish as _publish
from ._assertions import (
    ComplianceError,
    Trace,
    TraceError,
    TraceMatch,
    assert_complies,
    assert_trace,
)
from ._factory import ComplaintFactory, Conversation
from ._paths import (
    CommandPath,
    CoverageReport,
    Step,
    Transition,
    all_transitions,
    covering_paths,
    shortest_paths,
    transition_coverage,
)
from ._recording import DEFAULT_START, ManualClock, Recording
from ._stores import DurableStoreContract, EventFeedContract, StoreContract

__all__ = [
    "DEFAULT_START",
    "CommandPath",
    "ComplaintFactory",
    "ComplianceError",
    "Conversation",
    "CoverageReport",
    "DurableStoreContract",
    "EventFeedContract",
    "ManualClock",
    "Recording",
    "Step",
    "StoreContract",
    "Trace",
    "TraceError",
    "TraceMatch",
    "Transition",
    "all_transitions",
    "assert_complies",
    "assert_trace",
    "covering_paths",
    "shortest_paths",
    "transition_coverage",
]

_publish(__name__, globals(), __all__)
