"""Versions of the persisted formats, and the upcasters that lift old data to the current one.

Each format (the snapshot, and each event type) has a version. A change that an older
reader could not load — a field added, removed, renamed or retyped — raises it by one,
and registers an upcaster from the old version to the new. The chains are checked for
gaps when this module is imported, so a version raised without its upcaster fails at
once, in the tests, not in a host's database.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from attrs import field, frozen

from .._values.errors import ComplaintflowError, Problem
from ..events import EVENT_TYPES

Data = dict[str, Any]
Upcaster = Callable[[Data], Data]
"""Lifts the JSON of one version to the next; receives a copy it may change."""


@frozen
class UpcasterChain:
    """The upcasters of one format: ``steps[v]`` lifts version ``v`` to ``v + 1``."""

    format: str
    current: int
    steps: Mapping[int, Upcaster] = field(factory=dict)
    oldest: int = 1

    def __attrs_post_init__(self) -> None:
        expected = set(range(self.oldest, self.current))
        if set(self.steps) != expected:
            raise ComplaintflowError(
                f"the upcasters of {self.format} must lift every version from {self.oldest} "
                f"to {self.current}: expected steps from {sorted(expected)}, "
                f"got {sorted(self.steps)}")

    def problem(self, version: object, path: str) -> Problem | None:
        """Why data of ``version`` cannot be read, or ``None`` when it can."""
        if not isinstance(version, int) or isinstance(version, bool):
            return Problem(path, f"expected a whole number, got {version!r}")
        if version > self.current:
            return Problem(path, f"{self.format} version {version} is newer than this "
                                 f"complaintflow reads (up to {self.current}); upgrade "
                                 "complaintflow to load it")
        if version < self.oldest:
            return Problem(path, f"{self.format} version {version} is no longer supported "
                                 f"(the oldest readable is {self.oldest})")
        return None

    def upgrade(self, data: Mapping[str, Any], version: int) -> Data:
        """``data`` of ``version`` lifted to the current version (``data`` is not changed)."""
        lifted = dict(data)
        for step in range(version, self.current):
            lifted = self.steps[step](lifted)
        return lifted


SNAPSHOT_SCHEMA = "complaintflow/complaint"
SNAPSHOT_VERSION = 2


# --- version 1 to 2 ---------------------------------------------------------------------
# Receipts and events keep the fingerprint of the command they answer. Version 1 had none:
# its receipts answer any retry of their id, as version 1 did.


def policy_1_to_2(policy: Data) -> Data:
    """A version-1 policy as version 2 holds it (in snapshots and in complaint_opened)."""
    return dict(policy, max_text_length=10_000)


def _snapshot_1_to_2(snapshot: Data) -> Data:
    snapshot["policy"] = policy_1_to_2(snapshot["policy"])
    snapshot["receipts"] = [{**receipt, "fingerprint": None}
                            for receipt in snapshot["receipts"]]
    return snapshot


def _event_1_to_2(event: Data) -> Data:
    event["command_fingerprint"] = None
    if event.get("type") == "complaint_opened":
        event["policy"] = policy_1_to_2(event["policy"])
    return event


SNAPSHOT_UPCASTERS = UpcasterChain("snapshot", SNAPSHOT_VERSION, steps={1: _snapshot_1_to_2})
"""Lifts a snapshot of any readable version to the current one."""

_EVENT_STEPS: dict[int, Upcaster] = {1: _event_1_to_2}
"""The steps every event type shares (each type may add its own)."""

EVENT_UPCASTERS: dict[str, UpcasterChain] = {
    tag: UpcasterChain(f"event {tag}", cls.version, steps=_EVENT_STEPS)
    for tag, cls in EVENT_TYPES.items()
}
