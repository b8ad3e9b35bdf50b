"""Dumped snapshots and events with their personal data replaced, for exports to share,
and with internal notes left out, for what the customer sees.

Which fields are personal or internal is declared once, on the fields themselves
(``PERSONAL`` and ``INTERNAL`` metadata); the walk through a snapshot or an event is
derived from the types, so a new such field is masked without anyone listing it here.
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from .._core.complaint import Complaint
from .._values.checks import shown
from .._values.errors import InvalidValueError
from .._values.parts import REDACTED, WITHHELD, is_internal, is_personal
from ..events import EVENT_TYPES
from .integrity import canonical, digest
from .json_value import JsonValue
from .upcasters import SNAPSHOT_SCHEMA

# What to do with one field of an attrs class: redact it, or look inside its value (an
# object, or an array of objects) with the plan of the class it holds.
_Plan = dict[str, "bool | tuple[type[Any], bool]"]
_Marked = Callable[["attrs.Attribute[Any]"], bool]
"""Whether a field is of a kind to mask: :func:`is_personal`, :func:`is_internal`."""


def redact(data: Mapping[str, JsonValue]) -> dict[str, JsonValue]:
    """A copy of a dumped snapshot (:func:`~complaintflow.dump`) or event
    (:func:`~complaintflow.dump_event`) whose personal data (the customer's name and
    call-back number) reads ``"<redacted>"``; everything else is kept as it was.

    The copy still loads (a redacted name is still a name), so a redacted export can be
    audited, replayed and shared: a snapshot's digest is taken again over the redacted
    copy (unkeyed), while an event keeps its digest, so that ``verify`` reports the events
    whose personal data was redacted as changed, which they were. Anything that is
    neither a snapshot nor an event is refused with
    :class:`~complaintflow.InvalidValueError`.
    """
    snapshot, cls = _dumped(data)
    copy = _masked(data, cls, is_personal, REDACTED)
    return _digested_again(copy) if snapshot else copy


def _dumped(data: object) -> tuple[bool, type[Any]]:
    """Whether ``data`` is a dumped snapshot (else an event), and the class it dumps;
    anything else is refused."""
    if not isinstance(data, Mapping):
        raise InvalidValueError(f"expected a dumped snapshot or event, got {shown(data)}",
                                argument="data")
    if data.get("schema") == SNAPSHOT_SCHEMA:
        return True, Complaint
    tag = data.get("type")
    event = EVENT_TYPES.get(tag) if isinstance(tag, str) else None
    if event is None:
        raise InvalidValueError("expected a dumped snapshot or event, with a \"schema\" "
                                f"or a known \"type\"; got {shown(data)}", argument="data")
    return False, event


def _digested_again(snapshot: dict[str, Any]) -> dict[str, Any]:
    """A changed snapshot with its own digest taken again (unkeyed), so that it loads."""
    if "digest" in snapshot:
        snapshot["digest"] = digest(snapshot.get("head"), canonical(snapshot))
    return snapshot


def _masked(data: Mapping[str, Any], cls: type[Any], marked: _Marked,
            mask: str) -> dict[str, Any]:
    """``data`` (of ``cls``) with every field ``marked`` as ``mask``, however deep."""
    copy = dict(data)
    for name, what in _plan(cls, marked).items():
        value = copy.get(name)
        if value is None:
            continue
        if what is True:
            copy[name] = mask
        elif isinstance(what, tuple):
            inner, many = what
            if many and isinstance(value, list):
                copy[name] = [_masked(item, inner, marked, mask) if isinstance(item, Mapping)
                              else item for item in value]
            elif not many and isinstance(value, Mapping):
                copy[name] = _masked(value, inner, marked, mask)
    return copy


_PLANS: dict[tuple[_Marked, type[Any]], _Plan] = {}


def _plan(cls: type[Any], marked: _Marked) -> _Plan:
    """The fields of ``cls`` that are ``marked`` (personal, internal) or hold something
    that is (found once per class and marking)."""
    key = (marked, cls)
    if key in _PLANS:
        return _PLANS[key]
    hints = typing.get_type_hints(cls)
    plan: _Plan = {}
    for field in attrs.fields(cls):
        if marked(field):
            plan[field.name] = True
            continue
        found = _held(hints[field.name])
        if found is not None and _plan(found[0], marked):
            plan[field.name] = found
    _PLANS[key] = plan
    return plan


def _held(hint: object) -> tuple[type[Any], bool] | None:
    """The attrs class a field's type holds (``X``, ``X | None`` or ``tuple[X, ...]``), and
    whether it holds many; ``None`` for anything else."""
    if isinstance(hint, type) and attrs.has(hint):
        return hint, False
    arguments = [arg for arg in typing.get_args(hint) if arg is not type(None)
                 and arg is not Ellipsis]
    if len(arguments) != 1:
        return None
    inner = _held(arguments[0])
    if inner is None:
        return None
    return inner[0], inner[1] or typing.get_origin(hint) is tuple


def customer_view(data: Mapping[str, JsonValue]) -> dict[str, JsonValue] | None:
    """What a customer-facing export may show of a dumped snapshot or event: never what is
    marked internal (``INTERNAL`` metadata: internal notes, team briefings, the internal
    root-cause record), so that an internal note is never part of customer communications.

    An event with internal content (``internal_note_recorded``, ``team_briefed``,
    ``root_cause_recorded``) is left out: ``None``. Any other event comes back as it was.
    A snapshot comes back with its internal fields reading ``"<internal>"`` (it still
    loads; its digest is taken again, unkeyed, as for a redacted export). Anything else is
    refused with :class:`~complaintflow.InvalidValueError`.
    """
    snapshot, cls = _dumped(data)
    if snapshot:
        return _digested_again(_masked(data, cls, is_internal, WITHHELD))
    return None if _plan(cls, is_internal) else dict(data)
