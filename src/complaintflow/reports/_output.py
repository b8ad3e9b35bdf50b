"""The returns as rows: for a table on a terminal, CSV and JSON. Codes, counts, dates and
amounts only: nothing personal is in a report, so nothing personal is written out."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import IO, Any, cast

import attrs

from .._values.checks import fixed_point
from .._values.parts import Money
from ._asic import AsicIdrRecord
from ._cfpb import CfpbRecord
from ._fca import FcaCell, FcaReturn
from ._period import ReportingPeriod
from ._trends import Trends

Report = FcaReturn | Trends | Iterable[AsicIdrRecord] | Iterable[CfpbRecord]
Cell = str | int | float | None
Rows = tuple[tuple[str, ...], Iterator[tuple[Cell, ...]]]

_FCA_COLUMNS = tuple(a.name for a in attrs.fields(FcaCell) if a.name != "redress")


def _money(amounts: Iterable[Money]) -> str:
    return "; ".join(f"{fixed_point(m.amount)} {m.currency}" for m in amounts)


def _cell(value: object) -> Cell:
    if value is None or isinstance(value, (str, int, float)):
        return value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, tuple) and all(isinstance(v, Money) for v in value):
        return _money(value)
    if isinstance(value, tuple):
        return " ".join(str(v) for v in value)
    return str(value)


def report_rows(report: Report) -> Rows:
    """The report as a header and rows: an FCA return's cells and its total, a record per
    complaint (ASIC, CFPB), or the trends in long form (``section, key, month, value``).
    Records are read as the rows are: a stream of them stays a stream."""
    if isinstance(report, FcaReturn):
        header = (*_FCA_COLUMNS, "reported_upheld", "redress")
        cells = [*report.cells, report.total]
        return header, ((*(getattr(c, n) for n in _FCA_COLUMNS), c.reported_upheld,
                         _money(c.redress)) for c in cells)
    if isinstance(report, Trends):
        return ("section", "key", "month", "value"), _trend_rows(report)
    records = iter(report)
    first = next(records, None)
    if first is None:
        return (), iter(())
    header = tuple(a.name for a in attrs.fields(cast(Any, type(first))))

    def row(item: object) -> tuple[Cell, ...]:
        return tuple(_cell(getattr(item, name)) for name in header)

    def rows() -> Iterator[tuple[Cell, ...]]:
        yield row(first)
        for item in records:
            yield row(item)

    return header, rows()


def _trend_rows(trends: Trends) -> Iterator[tuple[Cell, ...]]:
    for name in ("opened", "closed", "reopened", "reopen_rate", "complainants",
                 "repeat_complainants", "complaints_from_repeat_complainants", "promises_due",
                 "promises_kept", "promise_rate", "resolution_days_median",
                 "resolution_days_p90", "causes_found", "with_preventive_action",
                 "at_fault_without_prevention"):
        value = getattr(trends, name)
        yield ("summary", name, "", round(value, 4) if isinstance(value, float) else value)
    yield ("recurring_root_causes", " ".join(trends.recurring_root_causes) or "-", "", None)
    for section, series in (("causes", trends.causes), ("root_causes", trends.root_causes)):
        for line in series:
            for month, count in zip(trends.months, line.counts, strict=True):
                yield (section, line.key, month, count)
    last = len(trends.resolution_histogram) - 1
    for day, count in enumerate(trends.resolution_histogram):
        yield ("resolution_days", f"{day}+" if day == last else str(day), "", count)


def transposed(header: tuple[str, ...], rows: Iterable[tuple[Cell, ...]]) -> Rows:
    """Columns as rows: a wide report (the FCA return's twenty-odd counts) reads down a
    terminal instead of across it."""
    body = list(rows)
    return (("", *(f"{index + 1}" for index in range(len(body)))),
            iter((name, *(row[at] for row in body)) for at, name in enumerate(header)))


def report_table(header: tuple[str, ...], rows: Iterable[tuple[Cell, ...]]) -> str:
    """Rows as a plain table, columns aligned (numbers to the right)."""
    body = [["" if v is None else str(v) for v in row] for row in rows]
    if not header:
        return "(nothing to report)"
    widths = [max([len(h), *(len(r[i]) for r in body)]) for i, h in enumerate(header)]
    numeric = [all(_number(r[i]) for r in body) and body != [] for i in range(len(header))]

    def line(values: list[str]) -> str:
        return "  ".join(v.rjust(w) if n else v.ljust(w)
                         for v, w, n in zip(values, widths, numeric, strict=True)).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(list(header)), rule, *(line(r) for r in body)])


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return text == ""
    return True


def write_report_csv(header: tuple[str, ...], rows: Iterable[tuple[Cell, ...]],
                     stream: IO[str]) -> None:
    """Rows as CSV (RFC 4180, ``\\r\\n`` line ends), written as they come."""
    writer = csv.writer(stream)
    if header:
        writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])


def report_json(report: Report) -> Any:
    """The report as JSON data (records: a list; amounts as decimal strings)."""
    if isinstance(report, (FcaReturn, Trends)):
        return _json(report)
    return [_json(record) for record in report]


def _json(value: object) -> Any:
    if isinstance(value, Money):
        return {"currency": value.currency, "amount": fixed_point(value.amount)}
    if isinstance(value, ReportingPeriod):
        return {"label": value.label, "first": value.first.isoformat(),
                "last": value.last.isoformat(), "time_zone": value.time_zone}
    if attrs.has(type(value)):
        data = {a.name: _json(getattr(value, a.name))
                for a in attrs.fields(cast(Any, type(value)))}
        for extra in ("reported_upheld", "nil_return", "reopen_rate", "promise_rate"):
            if hasattr(value, extra):
                data[extra] = _json(getattr(value, extra))
        return data
    if isinstance(value, (tuple, list)):
        return [_json(item) for item in value]
    if isinstance(value, Decimal):
        return fixed_point(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value
