"""The answer an agent reads after each command: what happened, and what to do next."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import attrs
from cattrs.gen import make_dict_unstructure_fn, override

from .._core.complaint import Applied
from .._core.rejection import Rejection
from .._formats.json_value import JsonValue
from .._formats.snapshot import event_body
from .._formats.stored_json import converter
from .._values.checks import shown
from .._values.errors import InvalidValueError
from .._values.parts import REDACTED, is_personal
from ..events import EVENT_TYPES, Event
from ._guidance import next_steps
from ._limits import AgentLimits

_PERSONAL: dict[type[Any], tuple[str, ...]] = {
    cls: tuple(a.name for a in attrs.fields(cls) if is_personal(a))
    for cls in EVENT_TYPES.values()}
_HOOKS: dict[type[Any], Callable[[Any], dict[str, JsonValue]]] = {}
"""How an agent reads each event class: the stored form's hook less the host's id of the
command and its digest (made when first needed; one per event class)."""


def event_data(event: Event) -> dict[str, JsonValue]:
    """An event as an agent reads it: its type, seq, time and data, with the ids the
    library assigned (``K1``, ``A1``); personal data (the customer's name and call-back
    number) reads ``"<redacted>"``."""
    cls = type(event)
    hook = _HOOKS.get(cls)
    if hook is None:
        if cls not in _PERSONAL:
            return event_body(event)  # which says what is wrong with it
        hook = _HOOKS[cls] = make_dict_unstructure_fn(
            cls, converter, command_id=override(omit=True),
            command_fingerprint=override(omit=True))
    data = {"type": event.type, **hook(event)}  # as event_body, but the version
    for name in _PERSONAL[cls]:
        data[name] = REDACTED
    return data


def _reasons(rejection: Rejection) -> list[JsonValue]:
    return [{"code": reason.code, "kind": reason.kind._value_, "message": reason.message,
             "argument": reason.argument} for reason in rejection.reasons]


def reply(result: Applied | Rejection, *, at: datetime | None = None,
          limits: AgentLimits | None = None) -> dict[str, JsonValue]:
    """The JSON-safe answer to give an agent for ``result``, what :func:`handle_json` (or
    :func:`~complaintflow.apply_json`) returned.

    For an applied command: ``"ok": true``, the ``complaint_id``, its ``stage`` and
    ``revision``, the ``events`` recorded (as data, with the ids the library assigned;
    ``duplicate`` says when a retry was answered from the first outcome) and the
    ``guidance`` (:func:`next_steps`). For a rejection: ``"ok": false``, the ``command``,
    the ``reasons`` (each with its ``code``, ``kind``, ``message`` and ``argument``) and
    the same ``guidance`` (``None`` for an unknown complaint). The guidance is for ``at``
    (by default the time of the complaint's last change); ``limits`` leaves out what the
    host denies the agent.

    Nothing personal goes back beyond what the agent itself sent: the events' personal
    data reads ``"<redacted>"``.
    """
    if isinstance(result, Applied):
        complaint = result.complaint
        receipt = result.duplicate
        return {
            "ok": True,
            "complaint_id": complaint.complaint_id,
            "stage": complaint.stage._value_,
            "revision": complaint.revision,
            "events": [event_data(event) for event in result.events],
            "duplicate": ({"seq": receipt.seq, "revision": receipt.revision}
                          if receipt is not None else None),
            "guidance": next_steps(complaint, at=at, limits=limits),
        }
    if isinstance(result, Rejection):
        refused = result.complaint
        return {
            "ok": False,
            "command": result.command,
            "complaint_id": refused.complaint_id if refused is not None else None,
            "stage": result.stage._value_ if result.stage is not None else None,
            "reasons": _reasons(result),
            "guidance": (next_steps(refused, at=at, limits=limits) if refused is not None
                         else None),
        }
    raise InvalidValueError(f"expected an Applied or a Rejection, got {shown(result)}",
                            argument="result")
