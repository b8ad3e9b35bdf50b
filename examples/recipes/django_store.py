"""Complaints in your own tables with Django: a ComplaintStore, on SQLite or PostgreSQL.

Django has no optimistic locking of its own, but a filtered ``update()`` returns the
number of rows it changed: ``filter(pk=..., revision=<the revision loaded>).update(...)``
is the revision check, and 0 means another worker saved first. The events' unique
constraint is a second guard. Put the two models in an app of yours (they name the app
``complaints`` here), and on SQLite let transactions take the write lock at once::

    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "db.sqlite3",
                             "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 30}}}

    store = DjangoStore()
    handle(store, "CMP-7", HearConcern(text="Payroll won't run."), at=clock)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, models, transaction

from complaintflow import Complaint, InvalidValueError, dump, dump_events, load, load_event
from complaintflow.events import AnyEvent, Event
from complaintflow.stores import ComplaintExists, ComplaintNotFound, ConcurrencyConflict


class ComplaintRecord(models.Model):
    """The latest snapshot of a complaint, as ``dump`` gives it (with its head and digest)."""

    complaint_id = models.CharField(primary_key=True, max_length=64)
    revision = models.BigIntegerField()
    seq = models.BigIntegerField()
    stage = models.CharField(max_length=32, db_index=True)
    updated_at = models.DateTimeField()
    snapshot = models.JSONField()

    class Meta:
        app_label = "complaints"
        db_table = "complaints"


class ComplaintEvent(models.Model):
    """One event, as ``dump_events`` gives it (with its digest). Append only."""

    complaint = models.ForeignKey(ComplaintRecord, on_delete=models.PROTECT,
                                  db_column="complaint_id")
    seq = models.BigIntegerField()
    type = models.CharField(max_length=64)
    at = models.DateTimeField()
    event = models.JSONField()

    class Meta:
        app_label = "complaints"
        db_table = "complaint_events"
        constraints = (models.UniqueConstraint(fields=["complaint", "seq"],
                                               name="one_event_per_seq"),)


class DjangoStore:
    """A :class:`complaintflow.stores.ComplaintStore` on the two models above, in the
    database ``using``."""

    def __init__(self, using: str = "default") -> None:
        self.using = using

    def add(self, complaint: Complaint, events: Sequence[Event]) -> None:
        _check_continues(complaint, events, 0)
        log = dump_events(events)
        try:
            with transaction.atomic(using=self.using):
                ComplaintRecord.objects.using(self.using).create(
                    complaint_id=complaint.complaint_id, revision=complaint.revision,
                    seq=complaint.seq, stage=complaint.stage.value,
                    updated_at=complaint.updated_at,
                    snapshot=dump(complaint, head=log[-1]["digest"]))
                self._append(complaint.complaint_id, events, log)
        except IntegrityError:  # outside the atomic block, which it rolled back
            raise ComplaintExists(complaint.complaint_id) from None

    def get(self, complaint_id: str) -> Complaint:
        return load(self._record(complaint_id).snapshot)  # checks it against its digest

    def save(self, complaint: Complaint, events: Sequence[Event], *,
             expected_revision: int) -> None:
        record = self._record(complaint.complaint_id)
        if record.revision != expected_revision:
            raise ConcurrencyConflict(complaint.complaint_id, expected_revision,
                                      record.revision)
        _check_continues(complaint, events, record.seq)
        head = record.snapshot["head"]
        log = dump_events(events, previous=head)  # chained to the stored log
        try:
            with transaction.atomic(using=self.using):
                changed = ComplaintRecord.objects.using(self.using).filter(
                    pk=complaint.complaint_id, revision=expected_revision,  # the check
                ).update(revision=complaint.revision, seq=complaint.seq,
                         stage=complaint.stage.value, updated_at=complaint.updated_at,
                         snapshot=dump(complaint, head=log[-1]["digest"] if log else head))
                if changed == 0:
                    raise ConcurrencyConflict(complaint.complaint_id, expected_revision,
                                              self._record(complaint.complaint_id).revision)
                self._append(complaint.complaint_id, events, log)
        except IntegrityError:  # another worker appended these seqs without the check
            raise ConcurrencyConflict(complaint.complaint_id, expected_revision,
                                      self._record(complaint.complaint_id).revision) from None

    def events(self, complaint_id: str, *, after: int = 0) -> tuple[AnyEvent, ...]:
        rows = list(ComplaintEvent.objects.using(self.using).filter(
            complaint_id=complaint_id, seq__gt=after).order_by("seq").values_list(
            "event", flat=True))
        if not rows:
            self._record(complaint_id)  # ComplaintNotFound when there is none
        return tuple(load_event(data) for data in rows)

    def _record(self, complaint_id: str) -> Any:
        try:
            return ComplaintRecord.objects.using(self.using).get(pk=complaint_id)
        except ComplaintRecord.DoesNotExist:
            raise ComplaintNotFound(complaint_id) from None

    def _append(self, complaint_id: str, events: Sequence[Event],
                log: list[dict[str, Any]]) -> None:
        ComplaintEvent.objects.using(self.using).bulk_create(
            ComplaintEvent(complaint_id=complaint_id, seq=e.seq, type=e.type, at=e.at,
                           event=data) for e, data in zip(events, log, strict=True))


def _check_continues(complaint: Complaint, events: Sequence[Event], stored_seq: int) -> None:
    """Refuse events that do not carry the stored log on to the complaint's seq."""
    if [e.seq for e in events] != list(range(stored_seq + 1, complaint.seq + 1)):
        raise InvalidValueError("the events do not continue the stored log", argument="events")
