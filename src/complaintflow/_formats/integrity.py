"""Tamper evidence: a digest chain over a complaint's stored events, and a digest of its
snapshot chained to the head of that log.

Each stored event carries ``digest = H(previous digest, canonical JSON of the event)``,
and the snapshot ``digest = H(head, canonical JSON of the snapshot)``, where ``head`` is
the digest of the complaint's last event. Canonical JSON is the event's or snapshot's JSON
without its ``digest`` (and an export's ``complaint_id`` label), with sorted keys, no
spaces and ASCII escapes: the same bytes whatever database stored it.

A plain chain (``sha256:...``) catches edits made without recomputing it: a row changed by
hand, an event removed or reordered. Against someone who can rewrite a whole table, pass
secret keys: the chain becomes keyed (``hmac-sha256:<key id>:...``). The first key signs;
every key verifies, by the id each digest names, so a retired key is kept to verify the
digests it signed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from attrs import field, frozen

from .._values.checks import non_blank
from .._values.errors import InvalidValueError

DIGEST = re.compile(r"sha256:[0-9a-f]{64}|hmac-sha256:[A-Za-z0-9_.-]{1,64}:[0-9a-f]{64}")
"""What a digest looks like: unkeyed, or keyed with the id of its key."""

_KEY_ID = re.compile(r"[A-Za-z0-9_.-]{1,64}")


def _key_id(_: object, attribute: object, value: str) -> None:
    if not _KEY_ID.fullmatch(value):
        raise InvalidValueError("key_id must be 1 to 64 letters, digits, '.', '_' or '-'",
                                argument="key_id")


def _secret(_: object, attribute: object, value: bytes) -> None:
    if not isinstance(value, bytes) or len(value) < 16:
        raise InvalidValueError("secret must be at least 16 bytes", argument="secret")


@frozen
class IntegrityKey:
    """A secret that makes the digest chain keyed (HMAC-SHA256): someone who can rewrite
    the whole table cannot forge it without the key. ``key_id`` is written with every
    digest it signs, so that it can be kept, once retired, to verify them."""

    key_id: str = field(validator=[non_blank, _key_id])
    secret: bytes = field(repr=False, validator=_secret)


Keys = Sequence[IntegrityKey]
"""The keys of a keyed chain, the signing key first; empty for a plain chain."""


def canonical(data: Mapping[str, Any], *, label: bool = False) -> str:
    """The canonical JSON of a stored event or snapshot, without its ``digest`` (and, with
    ``label``, without the ``complaint_id`` an export adds to an event)."""
    unlabel = label and data.get("type") != "complaint_opened"  # whose complaint_id is data
    body = {key: value for key, value in data.items()
            if key != "digest" and not (unlabel and key == "complaint_id")}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def digest(previous: str | None, text: str, keys: Keys = ()) -> str:
    """The digest of ``text`` (canonical JSON) chained to ``previous``."""
    payload = f"{previous or ''}\n{text}".encode("ascii")
    if not keys:
        return "sha256:" + hashlib.sha256(payload).hexdigest()
    key = keys[0]
    return (f"hmac-sha256:{key.key_id}:"
            + hmac.new(key.secret, payload, hashlib.sha256).hexdigest())


def mismatch(stored: object, previous: str | None, text: str, keys: Keys = ()) -> str | None:
    """Why ``stored`` is not the digest of ``text`` chained to ``previous`` under ``keys``,
    or ``None`` when it is."""
    if not isinstance(stored, str) or not DIGEST.fullmatch(stored):
        return "is not a digest"
    payload = f"{previous or ''}\n{text}".encode("ascii")
    if stored.startswith("sha256:"):
        if keys:
            return "was written without a key, and this chain is keyed"
        expected = "sha256:" + hashlib.sha256(payload).hexdigest()
    else:
        _, key_id, _ = stored.split(":")
        key = next((k for k in keys if k.key_id == key_id), None)
        if key is None:
            return f"was signed with key {key_id!r}, which was not given"
        expected = (f"hmac-sha256:{key_id}:"
                    + hmac.new(key.secret, payload, hashlib.sha256).hexdigest())
    if not hmac.compare_digest(stored, expected):
        return "does not match"
    return None
