"""Personal data (the customer's name and call-back number) never reaches a repr, an
exception message, a scorecard, a timeline or the CLI's output unless the caller asks.

The personal fields are declared once (``PERSONAL`` metadata); these tests scan what the
public API produces for the customer's name and number, and check that the reprs, the
timeline and the redaction helper all derive from that one declaration.
"""

from __future__ import annotations

import json
import pickle
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import attrs
import pytest

from complaintflow import (
    CommandRejected,
    Complaint,
    Customer,
    HearConcern,
    InvalidValueError,
    Policy,
    Rejection,
    VerifyCustomer,
    Withdraw,
    apply_json,
    dump,
    dump_event,
    load,
    load_event,
    open_complaint,
    to_json,
)
from complaintflow import commands as cmd
from complaintflow import events as ev
from complaintflow.__main__ import main
from complaintflow._formats.redact import redact
from complaintflow._values import parts
from complaintflow._values.parts import PERSONAL, REDACTED, is_personal
from complaintflow.audit import audit, scorecard_table, scorecard_to_dict, timeline
from complaintflow.audit._report import summary_line
from complaintflow.events import Event
from complaintflow.testing import assert_complies

from .support import (
    Clock,
    assessing,
    closed,
    confirmed,
    following_up,
    listening,
    opened,
    play,
    prioritizing,
    recapping,
    responding,
)

NAME = "Dana Reyes"  # the customer of tests.support
CALLBACK = "+44 20 7946 0000"
SECRETS = (NAME, CALLBACK, "Reyes", "7946")


def leaks(text: str) -> list[str]:
    return [secret for secret in SECRETS if secret in text]


def a_full_log() -> tuple[Complaint, list[Event]]:
    clock = Clock()
    opened_ = open_complaint("C-1", at=clock.now)
    log: list[Event] = list(opened_.events)
    complaint = play(opened_.complaint, [VerifyCustomer(name=NAME, callback=CALLBACK,
                                                        customer_id="ACME-1")], clock, log)
    complaint = play(complaint, [HearConcern(text="charged twice"), Withdraw(reason="sorted")],
                     clock, log)  # withdrawn without empathy: a rule fails
    return complaint, log


BUILDERS: list[Callable[[Clock], Complaint]] = [
    listening, confirmed, prioritizing, assessing, responding, following_up, recapping, closed]


@pytest.mark.parametrize("build", BUILDERS, ids=lambda build: build.__name__)
def test_a_complaint_in_every_stage_keeps_it_out_of_its_repr(
        build: Callable[[Clock], Complaint]) -> None:
    complaint = build(Clock())
    assert complaint.customer is not None
    assert complaint.customer.name == NAME  # it is there: only the repr leaves it out
    assert leaks(repr(complaint)) == []
    assert leaks(str(complaint)) == []
    assert REDACTED in repr(complaint)


def test_applied_results_events_and_commands_keep_it_out_of_their_reprs() -> None:
    clock = Clock()
    complaint = opened(clock)
    command = VerifyCustomer(name=NAME, callback=CALLBACK)
    applied = complaint.apply(command, at=clock.tick())
    verified = applied.events[0]
    assert isinstance(verified, ev.CustomerVerified)
    assert verified.name == NAME
    duplicate = applied.complaint.apply(Withdraw(reason="sorted", command_id="r1"),
                                        at=clock.tick())
    for value in [command, applied, verified, applied.complaint.customer, duplicate,
                  Customer(name=NAME, callback=CALLBACK), attrs.evolve(command)]:
        assert leaks(repr(value)) == [], type(value).__name__


def _bad_input(clock: Clock) -> Iterator[Callable[[], object]]:
    """Calls that raise for bad input, with the customer's data somewhere in them."""
    complaint = opened(clock)
    applied = complaint.apply(VerifyCustomer(name=NAME, callback=CALLBACK), at=clock.tick())
    yield lambda: VerifyCustomer(name=NAME, callback=CALLBACK,
                                 entitled="yes")  # type: ignore[arg-type]  # on purpose
    yield lambda: VerifyCustomer(name=NAME, callback=CALLBACK, service=" ")
    yield lambda: Customer(name=NAME, callback="\u200b")
    # an Applied where a Complaint, a command, an event or a policy belongs
    yield lambda: apply_json(applied, {"command": "withdraw", "reason": "x"},  # type: ignore[arg-type]  # on purpose
                             at=clock.now)
    yield lambda: to_json(applied)  # type: ignore[arg-type]  # on purpose
    yield lambda: dump(applied)  # type: ignore[arg-type]  # on purpose
    yield lambda: dump_event(applied)  # type: ignore[arg-type]  # on purpose
    yield lambda: load(applied)
    yield lambda: load_event(applied)
    yield lambda: audit(applied)
    yield lambda: audit([applied])  # type: ignore[list-item]  # on purpose
    yield lambda: Complaint.from_events([applied])  # type: ignore[list-item]  # on purpose
    yield lambda: applied.complaint.apply(applied, at=clock.now)  # type: ignore[arg-type]  # on purpose
    yield lambda: open_complaint("C-2", at=clock.now, policy=applied)  # type: ignore[arg-type]  # on purpose
    yield lambda: open_complaint(applied, at=clock.now)  # type: ignore[arg-type]  # on purpose
    yield lambda: Policy(regimes=[applied])  # type: ignore[list-item]  # on purpose
    # rejections: a second verification, a command the stage refuses
    yield lambda: applied.complaint.apply(VerifyCustomer(name=NAME, callback=CALLBACK),
                                          at=clock.now)
    yield lambda: applied.complaint.apply(VerifyCustomer(name=NAME, callback=CALLBACK),
                                          at=clock.now - timedelta(days=1))


def _raised(call: Callable[[], object]) -> Exception:
    try:
        call()
    except Exception as error:  # every kind the library raises, scanned alike
        return error
    raise AssertionError("it did not raise")


def test_no_exception_for_bad_input_shows_it() -> None:
    for call in _bad_input(Clock()):
        error = _raised(call)
        texts = [str(error), repr(error), *map(str, error.args)]
        if isinstance(error, CommandRejected):
            texts.append(str(pickle.loads(pickle.dumps(error))))
        assert [text[:200] for text in texts if leaks(text)] == [], type(error).__name__


@pytest.mark.parametrize("payload", [
    {"command": "verify_customer", "name": NAME, "callback": CALLBACK, "entitled": "no"},
    {"command": "verify_customer", "name": NAME, "callback": CALLBACK, "entitled": False},
    {"command": "verify_customer", "name": NAME, "callback": CALLBACK, "bonus": NAME},
    {"command": "verify_customer", "name": [NAME], "callback": {"n": CALLBACK}},
    {"command": "verify_customer", "name": NAME + "\ud800", "callback": CALLBACK * 1000},
    {"command": "hear_concern", "text": "x", "name": NAME},
    json.dumps({"command": "verify_customer", "name": NAME, "callback": CALLBACK})[:-3],
], ids=["flag", "not entitled", "extra", "mistyped", "surrogate and long", "wrong command",
        "broken JSON"])
def test_no_rejection_shows_it(payload: object) -> None:
    clock = Clock()
    complaint = open_complaint("C-1", at=clock.now, policy=Policy(max_text_length=100))
    result = apply_json(complaint.complaint, payload, at=clock.tick())
    assert isinstance(result, Rejection)
    for text in (repr(result), result.explain(), json.dumps(to_json(result)),
                 str(CommandRejected(result))):
        assert leaks(text) == [], text


def test_scorecards_and_the_timeline_leave_it_out() -> None:
    _, log = a_full_log()
    card = audit(log)
    for text in (repr(card), scorecard_table(card), summary_line(card),
                 json.dumps(scorecard_to_dict(card)), timeline(log)):
        assert leaks(text) == [], text
    assert f"name={REDACTED} callback={REDACTED} customer_id=ACME-1" in timeline(log)
    with pytest.raises(AssertionError) as failed:
        assert_complies(log)
    assert leaks(str(failed.value)) == []


def test_the_timeline_shows_it_when_asked() -> None:
    _, log = a_full_log()
    shown = timeline(log, personal_data=True)
    assert f"name={NAME} callback={CALLBACK}" in shown


def test_the_audit_cli_leaves_it_out(tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    _, log = a_full_log()
    lines = [json.dumps(dump_event(event)) for event in log]
    verified = dump_event(log[1])
    lines += [json.dumps({**verified, "callback": 5, "complaint_id": "C-1"}),
              json.dumps({**verified, "seq": "two", "complaint_id": "C-1"}),
              json.dumps({**verified, "name": [NAME], "complaint_id": "C-1"}),
              json.dumps(verified)[:-5]]
    path = tmp_path / "export.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for output in ("table", "json"):
        assert main(["audit", str(path), "--format", output]) == 2
        out, err = capsys.readouterr()
        assert "C-1" in out
        assert leaks(out + err) == [], out + err


# --- declared once, and derived ---------------------------------------------------------


PERSONAL_FIELDS = {(Customer, "name"), (Customer, "callback"),
                   (cmd.VerifyCustomer, "name"), (cmd.VerifyCustomer, "callback"),
                   (ev.CustomerVerified, "name"), (ev.CustomerVerified, "callback")}


def _every_class() -> Iterator[type]:
    yield Complaint
    yield from cmd.COMMAND_TYPES.values()
    yield from ev.EVENT_TYPES.values()
    yield from (value for value in vars(parts).values()
                if isinstance(value, type) and attrs.has(value))


def test_the_personal_fields_are_declared_once_each() -> None:
    declared = {(cls, a.name) for cls in _every_class() for a in attrs.fields(cls)
                if is_personal(a)}
    assert declared == PERSONAL_FIELDS
    for cls, name in PERSONAL_FIELDS:
        metadata = attrs.fields_dict(cls)[name].metadata  # a command's also describes it
        assert {key: metadata[key] for key in PERSONAL} == PERSONAL


def test_every_personal_field_is_redacted_in_reprs() -> None:
    """Derived from the metadata: each class with a personal field redacts it."""
    for cls in _every_class():
        for a in attrs.fields(cls):
            if is_personal(a):
                assert callable(a.repr), (cls, a.name)
                assert a.repr(NAME) == REDACTED, (cls, a.name)


def test_redact_replaces_it_in_dumped_snapshots_and_events() -> None:
    complaint, log = a_full_log()
    snapshot = redact(dump(complaint))
    assert leaks(json.dumps(snapshot)) == []
    assert snapshot["customer"] == {"name": REDACTED, "callback": REDACTED,
                                    "customer_id": "ACME-1", "service": None}
    assert load(snapshot).customer == Customer(name=REDACTED, callback=REDACTED,
                                               customer_id="ACME-1")
    rest = dict(dump(complaint))
    del rest["customer"], rest["digest"]  # the copy's digest is its own
    assert {k: v for k, v in snapshot.items() if k not in ("customer", "digest")} == rest
    for event in log:
        data = dump_event(event)
        redacted = redact(data)
        assert leaks(json.dumps(redacted)) == []
        if isinstance(event, ev.CustomerVerified):
            assert load_event(redacted) == attrs.evolve(event, name=REDACTED,
                                                        callback=REDACTED)
        else:
            assert redacted == data
        labelled = dump_event(event, complaint_id="C-1")  # as exports mixing complaints
        assert redact(labelled) == {**redacted, "complaint_id": "C-1"}


def test_redact_keeps_an_unverified_complaint_as_it_is() -> None:
    complaint = opened(Clock())
    assert redact(dump(complaint)) == dump(complaint)


@pytest.mark.parametrize("data", [[], "snapshot", {"type": "nope"}, {"schema": "other"}],
                         ids=repr)
def test_redact_needs_a_snapshot_or_an_event(data: object) -> None:
    with pytest.raises(InvalidValueError) as raised:
        redact(data)  # type: ignore[arg-type]  # the point: refused
    assert raised.value.argument == "data"

