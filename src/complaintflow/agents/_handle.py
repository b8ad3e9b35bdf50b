"""The JSON entry point on a store: load, apply and save one agent's command."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime

import attrs

from .._core.complaint import Applied, Complaint
from .._core.rejection import CommandRejected, Rejection
from .._formats.entry import _parse, apply_json
from .._values.checks import shown
from .._values.errors import ComplaintNotFound
from .._values.reasons import (
    AUTHORITY_ABOVE_CEILING,
    COMMAND_DENIED,
    INVALID_JSON,
    INVALID_PAYLOAD,
    UNEXPECTED_ARGUMENT,
    UNKNOWN_COMPLAINT,
    Reason,
)
from ..commands import AnyCommand, Escalate
from ..stores._store import ComplaintStore, handle
from ._limits import AgentLimits


def unknown_complaint(complaint_id: object, command: str) -> Rejection:
    """The rejection of a command for a complaint no store holds (kind ``not_found``)."""
    return Rejection(command=command, stage=None, allowed=(), reasons=(
        UNKNOWN_COMPLAINT.reason(f"No complaint {shown(complaint_id)} is stored; open it "
                                 "first.", "complaint_id"),))


def _refused(store: ComplaintStore, complaint_id: str, command: str,
             reasons: list[Reason], complaint: Complaint | None = None) -> Rejection:
    """A rejection by the host (not the workflow), with the complaint as it stands."""
    if complaint is None:
        try:
            complaint = store.get(complaint_id)
        except ComplaintNotFound:
            return unknown_complaint(complaint_id, command)
    return Rejection(command=command, stage=complaint.stage, reasons=tuple(reasons),
                     allowed=complaint.allowed_commands(), complaint=complaint)


def _time(at: datetime | Callable[[], datetime]) -> datetime:
    return at if isinstance(at, datetime) else at()


def _above_ceiling(complaint: Complaint, command: Escalate,
                   limits: AgentLimits) -> Reason | None:
    """Why an agent may not set this authority limit, if it may not."""
    granted, currency = command.authority_limit, command.currency
    if granted is None or limits.authority_ceiling is None:
        return None
    if currency is None:
        policy_limits = complaint.policy.authority_limits
        if len(policy_limits) != 1:
            return None  # the workflow refuses it: say which currency (currency_required)
        currency = policy_limits[0].currency
    ceiling, in_force = limits.ceiling(currency), complaint.authority_limit(currency)
    highest = max((limit for limit in (ceiling, in_force) if limit is not None), default=None)
    if highest is not None and granted <= highest:
        return None
    allowed = (f"at most {highest:f} {currency}" if highest is not None
               else f"no authority limit in {currency}")
    return AUTHORITY_ABOVE_CEILING.reason(
        f"An agent's escalation may set {allowed}; {granted:f} {currency} needs a person "
        "with that authority to take over.", "authority_limit")


def handle_json(store: ComplaintStore, complaint_id: str, payload: object, *,
                at: datetime | Callable[[], datetime], command_id: str | None = None,
                limits: AgentLimits | None = None, retries: int = 5) -> Applied | Rejection:
    """:func:`complaintflow.stores.handle` for a JSON payload: load the complaint, apply
    the command and save it, retrying on a conflict.

    Never raises for a bad payload: it comes back as a :class:`~complaintflow.Rejection`,
    as from :func:`~complaintflow.apply_json` (``null`` for an optional argument means
    "not given"). An unknown complaint is a rejection too (``unknown_complaint``, of kind
    ``not_found``). A command whose ``command_id`` the complaint already applied is
    answered from its receipt; under an id used for a different command (another name or
    any other argument value, once parsed) it is refused with ``command_id_reused``.
    Raises :class:`~complaintflow.stores.ConcurrencyConflict` when other writers won
    ``retries + 1`` times in a row, as ``stores.handle`` does.

    ``command_id`` is the host's id for this request (an agent's tool-call id, say); a
    payload may then carry none of its own. ``limits`` are what the host denies the agent:
    a denied command is refused with ``command_denied``, an escalation above the host's
    ceiling with ``authority_above_ceiling``.
    """
    label, command, _ = _parse(payload)
    if isinstance(command, list):  # bad input: the rejection says all of it, as apply_json
        try:
            complaint = store.get(complaint_id)
        except ComplaintNotFound:
            return unknown_complaint(complaint_id, label)
        result = apply_json(complaint, payload, at=_time(at))
        assert isinstance(result, Rejection)  # the payload does not parse
        return result
    if command_id is not None:
        if command.command_id is not None:
            return _refused(store, complaint_id, label, [UNEXPECTED_ARGUMENT.reason(
                "command_id is set by the host, not in the payload.", "command_id")])
        command = attrs.evolve(command, command_id=command_id)
    limits = limits or _NO_LIMITS
    if command.command in limits.deny:
        return _refused(store, complaint_id, label, [COMMAND_DENIED.reason(
            f"The host does not let the agent use {command.command}.", "command")])
    if isinstance(command, Escalate) and command.authority_limit is not None and (
            limits.authority_ceiling is not None):
        try:
            complaint = store.get(complaint_id)
        except ComplaintNotFound:
            return unknown_complaint(complaint_id, label)
        above = _above_ceiling(complaint, command, limits)
        if above is not None:
            return _refused(store, complaint_id, label, [above], complaint)
    return _handled(store, complaint_id, command, at, retries)


_NO_LIMITS = AgentLimits()


def _handled(store: ComplaintStore, complaint_id: str, command: AnyCommand,
             at: datetime | Callable[[], datetime], retries: int) -> Applied | Rejection:
    try:
        return handle(store, complaint_id, command, at=at, retries=retries)
    except CommandRejected as rejected:
        return rejected.rejection
    except ComplaintNotFound:
        return unknown_complaint(complaint_id, command.command)


def handle_tool_call(store: ComplaintStore, complaint_id: str, name: str, arguments: object, *,
                     at: datetime | Callable[[], datetime], call_id: str | None = None,
                     limits: AgentLimits | None = None,
                     retries: int = 5) -> Applied | Rejection:
    """:func:`handle_json` for an agent's tool call: the tool's ``name`` is the command,
    ``arguments`` its arguments (a mapping, or the JSON text OpenAI sends), ``call_id`` the
    call's id, which becomes the command's ``command_id`` (a retried call is answered from
    its first outcome).

    The arguments may not name a ``command`` or a ``command_id``: the tool and the host
    set them (each is refused with ``unexpected_argument``).
    """
    if isinstance(arguments, (str, bytes)):
        try:
            arguments = json.loads(arguments)
        except (ValueError, RecursionError):
            return _refused(store, complaint_id, name if isinstance(name, str) else "?", [
                INVALID_JSON.reason("The tool call's arguments are not valid JSON.")])
    label = name if isinstance(name, str) else "?"
    if not isinstance(arguments, Mapping):
        return _refused(store, complaint_id, label, [INVALID_PAYLOAD.reason(
            "A tool call's arguments are a JSON object.")])
    stray = [key for key in ("command", "command_id") if key in arguments]
    if stray:
        return _refused(store, complaint_id, label, [
            UNEXPECTED_ARGUMENT.reason(f"{key} is not an argument of the tool: the tool names "
                                       "the command, and the host sets its id.", key)
            for key in stray])
    return handle_json(store, complaint_id, {**arguments, "command": name}, at=at,
                       command_id=call_id, limits=limits, retries=retries)
