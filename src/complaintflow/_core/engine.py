"""The engine: decide a command by its row, fold the event, take the route.

:func:`run` is the whole of applying a command, pure: the rows' guards decide, the rows'
folds compute the next complaint, and the workflow's routes say where it goes. The stage
rules (which stage accepts what, the review a follow-up contact starts with, time never
running backwards) are the engine's own; every other rule is a row's.
"""

from __future__ import annotations

import typing
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING

import attrs
from attrs import evolve

from .. import commands as cmd
from .. import events as ev
from .._values.checks import shown
from .._values.enums import Stage
from .._values.errors import InvalidValueError
from .._values.parts import Receipt, replace
from .._values.reasons import UNKNOWN_COMMAND, Reason, ReasonKind, reason_code
from .definition import BEFORE_REVIEW, DECIDERS, EVOLVERS, Evolve
from .fingerprint import fingerprint
from .rejection import Rejection
from .row import Branch, Changes
from .steps._shared import anything_open
from .workflow import WORKFLOW

if TYPE_CHECKING:
    from .complaint import Complaint

_RULE = ReasonKind.RULE
COMMAND_NOT_ALLOWED_IN_STAGE = reason_code(
    "command_not_allowed_in_stage", _RULE,
    "The stage does not accept the command; `allowed` lists those it does.")
TIME_WENT_BACKWARDS = reason_code(
    "time_went_backwards", _RULE,
    "`at` is before the complaint's last change (`updated_at`).")
COMMAND_ID_REUSED = reason_code(
    "command_id_reused", _RULE,
    "The `command_id` was already used for a different command; a retry must resend the "
    "same command, and a new command needs a new id.")
LOG_FULL = reason_code(
    "log_full", _RULE,
    "The complaint's log holds as many events as a 64-bit sequence number counts.")
_LAST_SEQ = 2**63 - 3  # a command records at most two events; seq fits a 64-bit column
OPEN_ITEMS_NOT_REVIEWED = reason_code(
    "open_items_not_reviewed", _RULE,
    "A follow-up contact is open and its open items have not been reviewed yet "
    "(`review_open_items`).")

TEXT_TOO_LONG = reason_code(
    "text_too_long", ReasonKind.BAD_INPUT,
    "A text argument is longer than the policy allows (`Policy.max_text_length`, 10,000 "
    "characters by default).")

_ROUTES = WORKFLOW.table  # (stage, command) -> routes; read directly on the hot path


def _text_fields(command: type[cmd.Command]) -> tuple[str, ...]:
    """The names of the command's text arguments (``str`` or ``str | None``)."""
    hints = typing.get_type_hints(command)
    return tuple(a.name for a in attrs.fields(command)
                 if hints[a.name] is str or set(typing.get_args(hints[a.name])) == {
                     str, type(None)})


TEXT_FIELDS: dict[type[cmd.Command], tuple[str, ...]] = {
    command: _text_fields(command) for command in DECIDERS}
"""The text arguments of each command class, found once: the length check reads only them."""


def too_long(arguments: Mapping[str, object], names: Iterable[str], limit: int,
             ) -> list[Reason]:
    """A ``text_too_long`` reason for each of ``names`` whose text in ``arguments`` is
    longer than ``limit``."""
    return [TEXT_TOO_LONG.reason(
        f"{name} is {len(text):,} characters long; the policy allows at most {limit:,}.",
        name) for name in names
        if isinstance(text := arguments.get(name), str) and len(text) > limit]


def _review_pending(complaint: Complaint) -> bool:
    contact = complaint.contact
    return (complaint.stage is Stage.FOLLOWING_UP and contact is not None
            and not contact.reviewed)


def allowed_commands(complaint: Complaint) -> tuple[str, ...]:
    """The commands the complaint's stage accepts now, by the definition."""
    commands = WORKFLOW.commands_for(complaint.stage)
    if _review_pending(complaint):
        return tuple(command for command in commands if command in BEFORE_REVIEW)
    return commands


def reject(complaint: Complaint, command: str, reasons: list[Reason]) -> Rejection:
    """A rejection of ``command`` by ``complaint`` as it stands."""
    return Rejection(command=command, stage=complaint.stage, reasons=tuple(reasons),
                     allowed=allowed_commands(complaint), complaint=complaint)


def _holds(branch: Branch, complaint: Complaint) -> bool:
    if branch is Branch.SEVERAL_OPEN_CONCERNS:
        return len(complaint.open_concerns) > 1
    return anything_open(complaint)


def run(complaint: Complaint, command: cmd.Command,
        at: datetime) -> tuple[Complaint, tuple[ev.AnyEvent, ...]] | Rejection | Receipt:
    """Decide on ``command``: the next complaint and its events, the rejection, or the
    receipt of the same command applied earlier under its ``command_id``.

    This is the hot path of the library; it stays free of needless calls and scans.
    """
    decide = DECIDERS.get(type(command))
    if decide is None:
        raise InvalidValueError(f"{type(command).__name__} is not a complaintflow command",
                                argument="command", code=UNKNOWN_COMMAND.code)
    name = command.command
    limit = complaint.policy.max_text_length
    texts = TEXT_FIELDS[type(command)]
    for text in texts:  # a few attribute reads: cheap enough for every command
        value = getattr(command, text)
        if value is not None and len(value) > limit:
            return reject(complaint, name, too_long(
                {text: getattr(command, text) for text in texts}, texts, limit))
    command_id = command.command_id
    if command_id is not None:  # a retry is answered wherever the complaint has got to
        print_ = fingerprint(command)
        receipt = complaint.receipt(command_id)
        if receipt is not None:
            if receipt.fingerprint is None or receipt.fingerprint == print_:
                return receipt
            return reject(complaint, name, [COMMAND_ID_REUSED.reason(
                f"command_id {shown(command_id)} was used for another command (seq "
                f"{receipt.seq}); send a retry unchanged, or a new command under a new id.",
                "command_id")])
    stage = complaint.stage
    routes = _ROUTES.get((stage, name), ())
    if not routes:
        return reject(complaint, name, [COMMAND_NOT_ALLOWED_IN_STAGE.reason(
            f"{name} is not allowed while the complaint is {stage.value}.")])
    if complaint.seq > _LAST_SEQ:
        return reject(complaint, name, [LOG_FULL.reason(
            "The log is full; open a new complaint to go on.")])
    if at < complaint.updated_at:
        return reject(complaint, name, [TIME_WENT_BACKWARDS.reason(
            f"{at.isoformat()} is before the complaint's last change at "
            f"{complaint.updated_at.isoformat()}.", "at")])
    if complaint.contact is not None and name not in BEFORE_REVIEW and _review_pending(
            complaint):
        return reject(complaint, name, [OPEN_ITEMS_NOT_REVIEWED.reason(
            "Every follow-up contact starts by reviewing the open items (review_open_items).")])
    decision = decide(complaint, command, complaint.seq + 1, at)
    if isinstance(decision, list):
        return reject(complaint, name, decision)
    if command_id is not None:
        decision = evolve(decision, command_id=command_id, command_fingerprint=print_)
    after = fold(complaint, decision)
    if len(routes) == 1:
        dest = routes[0].dest
    else:
        dest = next(r.dest for r in routes if r.branch is None or _holds(r.branch, after))
    if dest is None or dest is stage:
        return after, (decision,)
    moved = ev.StageChanged(seq=decision.seq + 1, at=at, source=stage, dest=dest)
    return fold(after, moved), (decision, moved)


def _stage_changed(c: Complaint, e: ev.StageChanged) -> Changes:
    return dict(stage=e.dest, timeline=replace(c.timeline, {"stage_since": e.at}))


_EVOLVERS: dict[type[ev.Event], Evolve] = {**EVOLVERS, ev.StageChanged: _stage_changed}


def fold(complaint: Complaint, event: ev.Event) -> Complaint:
    """The complaint after ``event``: the one place where state is computed.

    ``apply`` and ``from_events`` both fold through here, which is why replaying a log
    always rebuilds the same complaint. Every event but ``stage_changed`` counts as one
    applied command, so it raises the revision by one.
    """
    evolve_ = _EVOLVERS.get(type(event))
    if evolve_ is None:
        raise InvalidValueError(f"event {event.type} cannot follow the start of a log",
                                argument="events")
    changes = evolve_(complaint, event)
    changes["seq"] = event.seq
    changes["updated_at"] = event.at
    if type(event) is not ev.StageChanged:
        changes["revision"] = revision = complaint.revision + 1
        if event.command_id is not None:  # remember it, with the most recent others
            receipt = Receipt(event.command_id, event.seq, revision, event.command_fingerprint)
            receipts = complaint.receipts
            start = len(receipts) - complaint.policy.remembered_command_ids + 1
            changes["receipts"] = (*receipts[max(start, 0):], receipt)
    return replace(complaint, changes)

