"""A conformance kit for complaint stores: run complaintflow's checks against yours.

Subclass :class:`StoreContract` in your test suite and say how to make an empty store;
pytest (or unittest-style runners that collect ``test_*`` methods) runs every check::

    from complaintflow.testing import StoreContract

    class TestPostgresStore(StoreContract):
        def make_store(self) -> PostgresStore:
            return PostgresStore(dsn=..., schema=fresh_schema())

The checks use plain ``assert`` statements, so the kit needs no test framework itself.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from .._core.complaint import Applied, Complaint, open_complaint
from .._formats.snapshot import dump, load
from .._values.errors import (
    ComplaintExists,
    ComplaintflowError,
    ComplaintNotFound,
    ConcurrencyConflict,
    InvalidValueError,
)
from ..commands import Assign, Command, HearConcern, OfferCompensation, VerifyCustomer
from ..events import AnyEvent, Event, StageChanged
from ..stores import ComplaintStore, handle

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


@contextmanager
def _raises(kind: type[BaseException]) -> Iterator[None]:
    try:
        yield
    except kind:
        return
    raise AssertionError(f"expected {kind.__name__} to be raised")


class _Interfering:
    """A store whose first save is beaten by another writer: the race, made certain."""

    def __init__(self, store: ComplaintStore, rival: Command, at: datetime):
        self.store = store
        self.rival: Command | None = rival
        self.at = at

    def add(self, complaint: Complaint, events: Sequence[Event]) -> None:
        self.store.add(complaint, events)

    def get(self, complaint_id: str) -> Complaint:
        return self.store.get(complaint_id)

    def save(self, complaint: Complaint, events: Sequence[Event], *,
             expected_revision: int) -> None:
        if self.rival is not None:
            rival, self.rival = self.rival, None
            handle(self.store, complaint.complaint_id, rival, at=self.at)
        self.store.save(complaint, events, expected_revision=expected_revision)

    def events(self, complaint_id: str, *, after: int = 0) -> tuple[AnyEvent, ...]:
        return self.store.events(complaint_id, after=after)


class StoreContract:
    """The checks every :class:`~complaintflow.stores.ComplaintStore` must pass."""

    def make_store(self) -> ComplaintStore:
        """An empty store, new for each check. Override this."""
        raise NotImplementedError("override make_store() to return an empty store")

    # --- helpers ----------------------------------------------------------------------

    def opened(self, store: ComplaintStore, complaint_id: str = "C-1") -> Applied:
        """A new complaint, verified (so it is listening), added to ``store``."""
        opened = open_complaint(complaint_id, at=T0)
        verified = opened.complaint.apply(
            VerifyCustomer(name="Ann Lee", callback="+44 20 7946 0000"), at=T0)
        store.add(verified.complaint, [*opened.events, *verified.events])
        return verified

    @staticmethod
    def later(minutes: int) -> datetime:
        return T0 + timedelta(minutes=minutes)

    # --- the checks -------------------------------------------------------------------

    def test_add_then_get_returns_the_same_complaint_and_its_log(self) -> None:
        store = self.make_store()
        added = self.opened(store)
        assert store.get("C-1") == added.complaint
        log = store.events("C-1")
        assert [event.seq for event in log] == [1, 2, 3]
        assert Complaint.from_events(log) == added.complaint

    def test_events_after_a_seq_leave_out_the_earlier_ones(self) -> None:
        store = self.make_store()
        self.opened(store)
        assert [event.seq for event in store.events("C-1", after=2)] == [3]
        assert [event.seq for event in store.events("C-1", after=-5)] == [1, 2, 3]
        assert store.events("C-1", after=3) == ()

    def test_an_unknown_id_is_not_found(self) -> None:
        store = self.make_store()
        with _raises(ComplaintNotFound):
            store.get("C-404")
        with _raises(ComplaintNotFound):
            store.events("C-404")

    def test_add_refuses_an_id_that_is_taken(self) -> None:
        store = self.make_store()
        first = self.opened(store)
        with _raises(ComplaintExists):
            self.opened(store)
        assert store.get("C-1") == first.complaint
        assert len(store.events("C-1")) == 3

    def test_save_stores_the_next_state_and_appends_its_events(self) -> None:
        store = self.make_store()
        current = self.opened(store).complaint
        for minute, command in enumerate([HearConcern(text="a"), Assign(agent="bo"),
                                          HearConcern(text="b")], start=1):
            applied = current.apply(command, at=self.later(minute))
            store.save(applied.complaint, applied.events, expected_revision=current.revision)
            current = applied.complaint
        assert store.get("C-1") == current
        assert [event.seq for event in store.events("C-1")] == [1, 2, 3, 4, 5, 6]
        assert [event.seq for event in store.events("C-1", after=4)] == [5, 6]
        assert load(dump(store.get("C-1")), events=store.events("C-1")) == current

    def test_save_refuses_a_stale_revision_and_changes_nothing(self) -> None:
        store = self.make_store()
        loaded = self.opened(store).complaint
        mine = loaded.apply(HearConcern(text="mine"), at=self.later(1))
        theirs = loaded.apply(Assign(agent="theirs"), at=self.later(1))
        store.save(theirs.complaint, theirs.events, expected_revision=loaded.revision)
        with _raises(ConcurrencyConflict):
            store.save(mine.complaint, mine.events, expected_revision=loaded.revision)
        assert store.get("C-1") == theirs.complaint
        assert store.events("C-1")[-1] == theirs.events[-1]
        assert len(store.events("C-1")) == theirs.complaint.seq

    def test_save_of_an_unknown_complaint_is_not_found(self) -> None:
        store = self.make_store()
        opened = open_complaint("C-9", at=T0)
        applied = opened.complaint.apply(Assign(agent="bo"), at=T0)
        with _raises(ComplaintNotFound):
            store.save(applied.complaint, applied.events, expected_revision=1)

    def test_events_that_do_not_continue_the_log_are_refused_whole(self) -> None:
        store = self.make_store()
        loaded = self.opened(store).complaint
        applied = loaded.apply(HearConcern(text="a"), at=self.later(1))
        with _raises(InvalidValueError):
            store.save(applied.complaint, [], expected_revision=loaded.revision)
        assert store.get("C-1") == loaded
        assert len(store.events("C-1")) == loaded.seq

    def test_complaints_keep_their_own_logs(self) -> None:
        store = self.make_store()
        self.opened(store, "C-1")
        other = self.opened(store, "C-2").complaint
        applied = other.apply(HearConcern(text="only C-2"), at=self.later(1))
        store.save(applied.complaint, applied.events, expected_revision=other.revision)
        assert len(store.events("C-1")) == 3
        assert len(store.events("C-2")) == 4
        assert store.get("C-1").concerns == ()

    def test_handle_applies_and_saves(self) -> None:
        store = self.make_store()
        self.opened(store)
        applied = handle(store, "C-1", HearConcern(text="The fee."), at=self.later(1))
        assert store.get("C-1") == applied.complaint
        assert store.events("C-1", after=3) == applied.events

    def test_handle_saves_nothing_for_a_rejected_command(self) -> None:
        store = self.make_store()
        loaded = self.opened(store).complaint
        with _raises(ComplaintflowError):  # CommandRejected: no concern K7
            handle(store, "C-1", OfferCompensation(kind="credit", description="x",
                                                   concern_id="K7", amount=Decimal(1)),
                   at=self.later(1))
        assert store.get("C-1") == loaded

    def test_handle_answers_a_retried_command_id_with_the_first_outcome(self) -> None:
        store = self.make_store()
        self.opened(store)
        command = HearConcern(text="The fee.", command_id="webhook-81")
        first = handle(store, "C-1", command, at=self.later(1))
        again = handle(store, "C-1", command, at=self.later(2))
        assert again.duplicate is not None
        assert again.events == first.events
        assert again.complaint == first.complaint == store.get("C-1")
        assert len(store.events("C-1")) == first.complaint.seq

    def test_handle_retries_when_another_writer_saves_first(self) -> None:
        store = self.make_store()
        self.opened(store)
        racing = _Interfering(store, Assign(agent="rival"), self.later(1))
        applied = handle(racing, "C-1", HearConcern(text="mine"), at=self.later(2))
        stored = store.get("C-1")
        assert stored == applied.complaint
        assert stored.assignment is not None
        assert stored.assignment.agent == "rival"
        assert [k.text for k in stored.concerns] == ["mine"]
        kinds = [e.type for e in store.events("C-1") if not isinstance(e, StageChanged)]
        assert kinds[-2:] == ["complaint_assigned", "concern_heard"]

    def test_handle_gives_up_after_its_retries(self) -> None:
        store = self.make_store()
        self.opened(store)
        racing = _Interfering(store, Assign(agent="rival"), self.later(1))
        with _raises(ConcurrencyConflict):
            handle(racing, "C-1", HearConcern(text="mine"), at=self.later(2), retries=0)
        assert [k.text for k in store.get("C-1").concerns] == []


__all__ = ["StoreContract"]
