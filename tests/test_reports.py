"""The returns, as golden tables: 42 complaints (tests/report_logs.py) and the figures of
each return for the first half of 2027, counted by hand from their spec.

How the hand count goes, cell by cell, is in the comments; the library's own code is not
used to work out any expected figure.
"""

from __future__ import annotations

import csv
import io
import json
import struct
import xml.etree.ElementTree as ElementTree
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from complaintflow import (
    ComplaintflowError,
    InvalidValueError,
    Money,
    Outcome,
    Policy,
    dump_event,
)
from complaintflow.events import Event
from complaintflow.reports import (
    FCA_DISP1_ANNEX1,
    AsicIdrRecord,
    FcaCell,
    ReportingPeriod,
    Taxonomy,
    asic_idr_records,
    cfpb_timeliness,
    complaint_trends,
    fca_return,
    report_json,
    report_rows,
    report_table,
    trend_chart,
    write_report_csv,
)
from complaintflow.reports._facts import Closure, Facts

from .report_logs import LONDON, Round, Spec, at, build, logs, specs

H1 = ReportingPeriod.parse("2027H1", time_zone="Europe/London")
LOGS = logs()


def gbp(amount: str) -> tuple[Money, ...]:
    return (Money("GBP", Decimal(amount)),)


def test_the_golden_set_has_at_least_forty_complaints() -> None:
    assert len(LOGS) == len(specs()) == 42


def test_the_period_is_the_fcas_first_half_year() -> None:
    assert (H1.first, H1.last, H1.label) == (date(2027, 1, 1), date(2027, 6, 30), "2027H1")
    assert H1.start == datetime(2027, 1, 1, tzinfo=timezone.utc)  # GMT
    assert H1.end == datetime(2027, 6, 30, 23, 0, tzinfo=timezone.utc)  # midnight BST
    assert ReportingPeriod.half_year(2027, 2) == ReportingPeriod.parse(
        "2027H2", time_zone="Europe/London")
    assert [m.label for m in H1.months()] == ["2027-01", "2027-02", "2027-03", "2027-04",
                                               "2027-05", "2027-06"]
    assert ReportingPeriod.parse("2027Q3", time_zone="UTC").last == date(2027, 9, 30)
    assert ReportingPeriod.parse("2028-02", time_zone="UTC").last == date(2028, 2, 29)
    for bad in ("2027H3", "27H1", "2027-13", "H1"):
        with pytest.raises(InvalidValueError):
            ReportingPeriod.parse(bad, time_zone="UTC")


# --- the FCA return ----------------------------------------------------------------------

EXPECTED_CELLS: dict[tuple[str, str], dict[str, Any]] = {
    # P4 outstanding at start (P5 was closed then); C0-C7, S7, S8 opened; P5 reopened and
    # closed within 3 business days of its reopening; C0-C7 closed three weeks after
    # receipt. Decisions at closing: C0-C3 and P5 partly upheld, C4-C5 upheld, C6-C7 none.
    # P4, S7, S8 still open. C0 capability. Redress in the period: 10.00 + 15.50 + 40.00.
    ("credit_card", "terms_and_disputed_sums"): dict(
        outstanding_at_start=1, opened=10, reopened=1, closed=9,
        closed_within_3_business_days=1, closed_after_3_business_days_within_8_weeks=8,
        closed_after_8_weeks=0, upheld=2, partly_upheld=5, not_upheld=0, no_decision=2,
        outstanding_at_end=3, vulnerable=1, vulnerable_health=0, vulnerable_life_events=0,
        vulnerable_resilience=0, vulnerable_capability=1, vulnerability_failure=0,
        redress=gbp("65.50")),
    # B0-B9, S6 and S4 opened (P1 closed in 2026: not counted); B0-B9 closed the next day,
    # S6 too and, reopened on 1 February, again on 25 February (within 8 weeks of the
    # reopening); upheld: B0, B2, B4, B6, B8 and S6 twice; S4 open. B0, B1 health, B2 life
    # events and resilience. Redress 25.00 on B0, B2, B4.
    ("current_account", "general_admin_customer_service"): dict(
        outstanding_at_start=0, opened=12, reopened=1, closed=12,
        closed_within_3_business_days=11, closed_after_3_business_days_within_8_weeks=1,
        closed_after_8_weeks=0, upheld=7, partly_upheld=0, not_upheld=5, no_decision=0,
        outstanding_at_end=1, vulnerable=3, vulnerable_health=2, vulnerable_life_events=1,
        vulnerable_resilience=1, vulnerable_capability=0, vulnerability_failure=0,
        redress=gbp("75.00")),
    # S1 (within 3 business days over Easter) and S2 (a day later) opened; P6, received on
    # Sunday 20 December 2026, withdrawn on 5 January (within 8 weeks, no decision)
    ("investments", "unsuitable_advice"): dict(
        outstanding_at_start=1, opened=2, reopened=0, closed=3,
        closed_within_3_business_days=1, closed_after_3_business_days_within_8_weeks=2,
        closed_after_8_weeks=0, upheld=1, partly_upheld=0, not_upheld=1, no_decision=1,
        outstanding_at_end=0, vulnerable=0, vulnerable_health=0, vulnerable_life_events=0,
        vulnerable_resilience=0, vulnerable_capability=0, vulnerability_failure=0,
        redress=gbp("200.00")),
    # P2 (received 1 December, closed 20 January: within 8 weeks) and P3 (received 5
    # October, closed 10 February, upheld, 500.00) outstanding at start; D0-D5 opened and
    # closed ten weeks later, not upheld; D0, D1 life events; D0's cause a failure to
    # respond to vulnerability
    ("mortgage", "arrears"): dict(
        outstanding_at_start=2, opened=6, reopened=0, closed=8,
        closed_within_3_business_days=0, closed_after_3_business_days_within_8_weeks=1,
        closed_after_8_weeks=7, upheld=1, partly_upheld=0, not_upheld=7, no_decision=0,
        outstanding_at_end=0, vulnerable=2, vulnerable_health=0, vulnerable_life_events=2,
        vulnerable_resilience=0, vulnerable_capability=0, vulnerability_failure=1,
        redress=gbp("500.00")),
    # E0-E3 opened in May, still open; E0 health
    ("motor_and_transport", "general_admin_customer_service"): dict(
        outstanding_at_start=0, opened=4, reopened=0, closed=0,
        closed_within_3_business_days=0, closed_after_3_business_days_within_8_weeks=0,
        closed_after_8_weeks=0, upheld=0, partly_upheld=0, not_upheld=0, no_decision=0,
        outstanding_at_end=4, vulnerable=1, vulnerable_health=1, vulnerable_life_events=0,
        vulnerable_resilience=0, vulnerable_capability=0, vulnerability_failure=0,
        redress=()),
    # S3, never classified, withdrawn two hours after it came in
    ("unclassified", "unclassified"): dict(
        outstanding_at_start=0, opened=1, reopened=0, closed=1,
        closed_within_3_business_days=1, closed_after_3_business_days_within_8_weeks=0,
        closed_after_8_weeks=0, upheld=0, partly_upheld=0, not_upheld=0, no_decision=1,
        outstanding_at_end=0, vulnerable=0, vulnerable_health=0, vulnerable_life_events=0,
        vulnerable_resilience=0, vulnerable_capability=0, vulnerability_failure=0,
        redress=()),
}
EXPECTED_TOTAL: dict[str, Any] = dict(
    outstanding_at_start=4, opened=35, reopened=2, closed=33,
    closed_within_3_business_days=14, closed_after_3_business_days_within_8_weeks=12,
    closed_after_8_weeks=7, upheld=11, partly_upheld=5, not_upheld=13, no_decision=4,
    outstanding_at_end=8, vulnerable=7, vulnerable_health=3, vulnerable_life_events=3,
    vulnerable_resilience=1, vulnerable_capability=1, vulnerability_failure=1,
    redress=gbp("840.50"))


def test_the_fca_return_of_the_golden_set() -> None:
    report = fca_return(iter(LOGS), period=H1, entity="Example Bank plc (FRN 123456)",
                        taxonomy=FCA_DISP1_ANNEX1)
    cells = {(cell.product, cell.cause): cell for cell in report.cells}
    assert list(cells) == sorted(EXPECTED_CELLS)
    for key, expected in EXPECTED_CELLS.items():
        assert cells[key] == FcaCell(product=key[0], cause=key[1], **expected), key
    assert report.total == FcaCell(product="all", cause="all", **EXPECTED_TOTAL)
    assert report.total.reported_upheld == 16  # upheld in part counts as upheld
    total = report.total  # what was open, and what came and went, adds up
    assert (total.outstanding_at_start + total.opened + total.reopened - total.closed
            == total.outstanding_at_end)
    assert report.complaints == 40  # P1 closed in 2026, S5 came in on 1 July
    assert (report.entity, report.taxonomy, report.unknown_codes) == (
        "Example Bank plc (FRN 123456)", FCA_DISP1_ANNEX1.name, ())
    assert not report.nil_return


def test_the_vulnerability_counts_can_be_of_the_complaints_closed() -> None:
    report = fca_return(LOGS, period=H1, vulnerability_of="closed")
    # closed in the period with drivers: B0, B1 (health), B2, C0, D0, D1; D0 the failure
    assert (report.total.vulnerable, report.total.vulnerable_health,
            report.total.vulnerability_failure) == (6, 2, 1)


def test_a_period_with_nothing_in_it_is_a_nil_return() -> None:
    later = ReportingPeriod.parse("2031H1", time_zone="Europe/London")
    report = fca_return([LOGS[0]], period=later)  # P1: closed in 2026
    assert report.nil_return
    assert report.cells == ()


def test_codes_outside_the_taxonomy_are_listed() -> None:
    small = Taxonomy(name="small", version="1", source="a test",
                     products=FCA_DISP1_ANNEX1.products[:1], causes=FCA_DISP1_ANNEX1.causes)
    report = fca_return(LOGS, period=H1, taxonomy=small)
    assert report.unknown_codes == ("credit_card", "investments", "mortgage",
                                    "motor_and_transport")


def test_the_return_needs_a_calendar_for_the_three_day_band() -> None:
    from complaintflow import Policy, open_complaint
    from complaintflow.commands import Withdraw

    opened = open_complaint("X-1", at=datetime(2027, 2, 1, 10, tzinfo=LONDON),
                            policy=Policy())
    applied = opened.complaint.apply(Withdraw(reason="gone"),
                                     at=datetime(2027, 2, 1, 11, tzinfo=LONDON))
    with pytest.raises(InvalidValueError, match="X-1: its policy has no fca_disp"):
        fca_return([[*opened.events, *applied.events]], period=H1)


# --- ASIC IDR records --------------------------------------------------------------------


def test_the_asic_records_of_the_golden_set() -> None:
    records = {r.complaint_id: r for r in asic_idr_records(iter(LOGS), period=H1)}
    # received in the period (35) or open at its start (P2, P3, P4, P6): not P1, P5
    # (closed at the start, reopened later), nor S5
    assert len(records) == 39
    assert "P5" not in records
    assert sum(r.status == "closed" for r in records.values()) == 31
    assert records["P3"] == AsicIdrRecord(
        complaint_id="P3", status="closed", channel="phone", date_received=date(2026, 10, 5),
        date_closed=date(2027, 2, 10), days_to_resolve=128, products=("mortgage",),
        issues=("arrears",), outcomes=("upheld",), financial_compensation=gbp("500.00"))
    assert records["P6"] == AsicIdrRecord(
        complaint_id="P6", status="closed", channel="phone", date_received=date(2026, 12, 20),
        date_closed=date(2027, 1, 5), days_to_resolve=16, products=("investments",),
        issues=("unsuitable_advice",), outcomes=("withdrawn",), financial_compensation=())
    assert records["S6"].date_closed == date(2027, 2, 25)  # its last closing
    assert records["S6"].days_to_resolve == 44
    assert records["E0"] == AsicIdrRecord(
        complaint_id="E0", status="open", channel="phone", date_received=date(2027, 5, 4),
        date_closed=None, days_to_resolve=None, products=("motor_and_transport",),
        issues=("general_admin_customer_service",), outcomes=(), financial_compensation=())
    assert records["S3"].products == ()  # never classified
    assert records["S3"].channel == ""
    coded = {r.complaint_id: r for r in asic_idr_records(
        LOGS, period=H1, count_receipt_day=True,
        outcome_codes={"upheld": "R1", "withdrawn": "W"})}  # type: ignore[dict-item]  # str keys: the enums' values
    assert (coded["P3"].days_to_resolve, coded["P3"].outcomes) == (129, ("R1",))
    assert coded["P6"].outcomes == ("W",)


# --- CFPB timeliness ---------------------------------------------------------------------


def test_the_cfpb_timeliness_of_the_golden_set() -> None:
    records = {r.complaint_id: r for r in cfpb_timeliness(iter(LOGS), period=H1)}
    assert len(records) == 35  # sent to the company (received) in the period
    # a final response the next day (B0-B9, S6), within 8 days (S1, S2), a holding
    # response the next day (E1): in time; S4, sent on 30 June, not yet due
    timely = {key: sorted(r.complaint_id for r in records.values() if r.timely == key)
              for key in ("Yes", "Pending")}
    assert timely == {"Yes": ["B0", "B1", "B2", "B3", "B4", "B5", "B6", "B7", "B8", "B9",
                              "E1", "S1", "S2", "S6"], "Pending": ["S4"]}
    responses: dict[str, list[str]] = {}
    for record in records.values():
        responses.setdefault(record.company_response, []).append(record.complaint_id)
    assert {key: len(value) for key, value in responses.items()} == {
        "Closed with monetary relief": 6,  # B0, B2, B4, C0, C4, S1: redress paid
        "Closed with non-monetary relief": 3,  # B1, B3, C1: relief given
        "Closed with explanation": 19,
        "Untimely response": 5,  # E0, E2, E3, S7, S8: nothing sent in 15 days
        "In progress": 2,  # E1 (a holding response), S4 (not yet due)
    }
    c0 = records["C0"]  # sent Wednesday 3 February: day 15 is 17 February, day 60 4 April
    assert c0.response_due == datetime(2027, 2, 18, tzinfo=timezone.utc)
    assert c0.final_due == datetime(2027, 4, 3, 23, 0, tzinfo=timezone.utc)  # BST
    assert (c0.responded_within_15_days, c0.closed_within_60_days, c0.timely) == (
        False, True, "No")
    assert records["D0"].closed_within_60_days is False  # ten weeks
    assert records["E0"].closed_within_60_days is None  # day 60 is 2 July: not yet
    assert records["S3"].closed_within_60_days is True  # withdrawn the same day


# --- trends ------------------------------------------------------------------------------


def test_the_trends_of_the_golden_set() -> None:
    trends = complaint_trends(iter(LOGS), period=H1)
    assert trends.months == ("2027-01", "2027-02", "2027-03", "2027-04", "2027-05", "2027-06")
    assert (trends.opened, trends.closed, trends.reopened) == (35, 33, 2)
    assert trends.reopen_rate == pytest.approx(2 / 33)
    # opened per cause, by month: B on the Mondays of 11 January to 15 March, S6 on 12
    # January, E in May, S4 on 30 June; C on the Wednesdays of February and March, S7 and
    # S8 in June; D on the Mondays of 4 January to 8 February; S1 and S2 on 25 March; S3
    assert [(s.key, s.counts) for s in trends.causes] == [
        ("general_admin_customer_service", (4, 4, 3, 0, 4, 1)),
        ("terms_and_disputed_sums", (0, 4, 4, 0, 0, 2)),
        ("arrears", (4, 2, 0, 0, 0, 0)),
        ("unsuitable_advice", (0, 0, 2, 0, 0, 0)),
        ("unclassified", (0, 0, 0, 1, 0, 0)),
    ]
    # root causes as the C complaints closed (24 February; 3, 10, 17, 24, 31 March; 7, 14
    # April) and D0 (15 March)
    assert [(s.key, s.counts) for s in trends.root_causes] == [
        ("pricing", (0, 1, 5, 2, 0, 0)), ("arrears_handling", (0, 0, 1, 0, 0, 0))]
    assert trends.recurring_root_causes == ("pricing",)
    # CUST-A: B0, B1, S6; CUST-Z: S7, S8; 30 others one complaint each
    assert (trends.complainants, trends.repeat_complainants,
            trends.complaints_from_repeat_complainants) == (32, 2, 5)
    # S7's action due 10 June still open; S8's due 5 June done on the 4th
    assert (trends.promises_due, trends.promises_kept, trends.promise_rate) == (2, 1, 0.5)
    # 33 closings, in hours from receipt (or reopening): S3 2; B0-B9 and S6 25; P5 49;
    # S1 173; S2 191; P6 385; C5-C7 504 and C0-C4 505 (British Summer Time from 28 March);
    # S6 again 577; P2 1,201; D2-D5 1,680 and D0-D1 1,681; P3 3,074. The 17th is 504 hours,
    # the 30th 1,680.
    assert (trends.resolution_days_median, trends.resolution_days_p90) == (21.0, 70.0)
    expected = [0] * 61
    for day, count in {0: 1, 1: 11, 2: 1, 7: 2, 16: 1, 21: 8, 24: 1, 50: 1, 60: 7}.items():
        expected[day] = count
    assert trends.resolution_histogram == tuple(expected)
    # a cause found for C0-C7 and D0; prevention for C0-C3; at fault without it: C4-C7, D0
    assert (trends.causes_found, trends.with_preventive_action,
            trends.at_fault_without_prevention) == (9, 4, 5)


# --- output ------------------------------------------------------------------------------

PERSONAL = ("Pat Example", "7946 0999", "Pat")


def _all_outputs() -> list[str]:
    texts = []
    reports: list[Any] = [fca_return(LOGS, period=H1), complaint_trends(LOGS, period=H1),
                          list(asic_idr_records(LOGS, period=H1)),
                          list(cfpb_timeliness(LOGS, period=H1))]
    for report in reports:
        header, rows = report_rows(report)
        texts.append(report_table(header, rows))
        stream = io.StringIO()
        header, rows = report_rows(report)
        write_report_csv(header, rows, stream)
        texts.append(stream.getvalue())
        texts.append(json.dumps(report_json(report)))
    return texts


def test_no_personal_data_reaches_any_output() -> None:
    for text in _all_outputs():
        for secret in PERSONAL:
            assert secret not in text
    # the logs hold them, so the check above looks where they could have leaked from
    assert any("Pat Example" in json.dumps(dump_event(e)) for e in LOGS[0])


def test_the_outputs_hold_the_figures() -> None:
    report = fca_return(LOGS, period=H1)
    header, rows = report_rows(report)
    stream = io.StringIO()
    write_report_csv(header, rows, stream)
    table = list(csv.DictReader(io.StringIO(stream.getvalue())))
    total = table[-1]
    assert (total["product"], total["opened"], total["closed"], total["reported_upheld"],
            total["redress"]) == ("all", "35", "33", "16", "840.50 GBP")
    data = report_json(report)
    assert data["total"]["redress"] == [{"currency": "GBP", "amount": "840.50"}]
    assert data["period"] == {"label": "2027H1", "first": "2027-01-01",
                              "last": "2027-06-30", "time_zone": "Europe/London"}
    assert data["nil_return"] is False
    text = report_table(*report_rows(report))
    assert text.splitlines()[0].split()[:3] == ["product", "cause", "outstanding_at_start"]
    assert report_table(*report_rows([])) == "(nothing to report)"


# --- charts ------------------------------------------------------------------------------


def test_the_trend_chart_is_a_valid_svg_of_the_expected_size(tmp_path: Path) -> None:
    path = trend_chart(complaint_trends(LOGS, period=H1), tmp_path / "trends.svg")
    root = ElementTree.parse(path).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert (root.get("width"), root.get("height")) == ("720pt", "288pt")  # 10 x 4 inches
    assert "Complaints opened by cause" in path.read_text(encoding="utf-8")


def test_the_trend_chart_is_a_valid_png_of_the_expected_size(tmp_path: Path) -> None:
    path = trend_chart(complaint_trends(LOGS, period=H1), tmp_path / "trends.png")
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    assert struct.unpack(">II", data[16:24]) == (1000, 400)  # 10 x 4 inches at 100 dpi


def test_a_chart_is_svg_or_png(tmp_path: Path) -> None:
    with pytest.raises(InvalidValueError, match=r"\.svg or \.png"):
        trend_chart(complaint_trends([], period=H1), tmp_path / "trends.pdf")


def test_without_matplotlib_the_error_says_how_to_install_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ComplaintflowError, match=r"complaintflow\[charts\]"):
        trend_chart(complaint_trends([], period=H1), tmp_path / "trends.svg")


def test_events_of_other_kinds_change_no_figure() -> None:
    """The returns read events they know; a log is checked as it is read."""
    broken: list[Event] = [LOGS[1][0], LOGS[1][2]]  # a gap in seq
    with pytest.raises(InvalidValueError, match="expected 2"):
        fca_return([broken], period=H1)



def test_a_complaint_closed_and_reopened_at_one_instant_is_open() -> None:
    """Closings and reopenings that share an instant count in the log's order."""
    received = datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc)
    same = datetime(2026, 12, 2, 10, 0, tzinfo=timezone.utc)
    closure = Closure(at=same, round_start=received, decision=None, outcome=Outcome.RESOLVED)
    after = same + timedelta(seconds=1)
    facts = Facts(complaint_id="CMP-1", received_at=received, policy=Policy(),
                  closures=[closure], reopens=[same])
    assert facts.open_at(after)
    assert facts.is_open
    facts.closures.append(Closure(at=same, round_start=same, decision=None,
                                  outcome=Outcome.RESOLVED))
    assert not facts.open_at(after)
    assert not facts.is_open
    assert facts.open_at(same)
    assert not facts.open_at(received)


# --- properties --------------------------------------------------------------------------


@st.composite
def complaint_specs(draw: st.DrawFn, number: int) -> Spec:
    received = at(date(2026, 11, 2) + timedelta(days=draw(st.integers(0, 300))))
    rounds: list[Round] = []
    when = received
    for index in range(draw(st.integers(0, 3))):
        reopened = None
        if index:
            reopened = when + timedelta(days=draw(st.integers(1, 40)))
            when = reopened
        closed = when + timedelta(days=draw(st.integers(0, 90)), hours=1)
        rounds.append(Round(closed=closed, reopened=reopened,
                            decision=draw(st.sampled_from([None, "upheld", "not_upheld",
                                                           "partly_upheld"])),
                            redress=draw(st.sampled_from([None, "12.50"]))))
        when = closed
    if draw(st.booleans()):
        rounds.append(Round(reopened=when + timedelta(days=1)) if rounds else Round())
    return Spec(complaint_id=f"H{number}", received=received,
                product=draw(st.sampled_from(["current_account", "mortgage", None])),
                cause="general_admin_customer_service",
                rounds=rounds or [Round()],
                drivers=draw(st.sampled_from([(), ("health",), ("capability", "health")])))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 10**6), min_size=1, max_size=6).flatmap(
    lambda seeds: st.tuples(*(complaint_specs(n) for n in range(len(seeds))))))
def test_every_cell_of_a_return_adds_up(specs_: tuple[Spec, ...]) -> None:
    """In every cell and in the total: what was open, plus what came and came back, less
    what closed, is what is open at the end; every closing is in one band and has one
    decision; and the cells add up to the total."""
    logs_ = [build(spec) for spec in specs_]
    report = fca_return(logs_, period=H1)
    counts = [name for name in EXPECTED_TOTAL if name != "redress"]
    for cell in (*report.cells, report.total):
        assert (cell.outstanding_at_start + cell.opened + cell.reopened - cell.closed
                == cell.outstanding_at_end)
        assert cell.closed == (cell.closed_within_3_business_days
                               + cell.closed_after_3_business_days_within_8_weeks
                               + cell.closed_after_8_weeks)
        assert cell.closed == (cell.upheld + cell.partly_upheld + cell.not_upheld
                               + cell.no_decision)
        assert cell.vulnerable <= cell.opened
    for name in counts:
        assert getattr(report.total, name) == sum(getattr(c, name) for c in report.cells)
    # ASIC's scope leaves out a complaint closed before the period and reopened in it
    records = list(asic_idr_records(logs_, period=H1))
    assert sum(r.status == "open" for r in records) <= report.total.outstanding_at_end
