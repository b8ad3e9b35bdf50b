"""Pictures of the trends (the ``charts`` extra: ``pip install 'complaintflow[charts]'``):
complaints by cause per month, and the time-to-resolution distribution.

matplotlib is imported when a chart is drawn, never when complaintflow is imported, and
with its non-interactive backend, so that a server needs no display.
"""

from __future__ import annotations

from os import PathLike
from pathlib import Path

from .._values.errors import ComplaintflowError, InvalidValueError
from ._trends import Trends

WIDTH_INCHES, HEIGHT_INCHES, DPI = 10.0, 4.0, 100
"""The figure's size: 1000 x 400 pixels as PNG, 720 x 288 points as SVG."""

_FORMATS = {".svg": "svg", ".png": "png"}


def trend_chart(trends: Trends, path: str | PathLike[str]) -> Path:
    """Draw ``trends`` to ``path`` (``.svg`` or ``.png``): on the left, the complaints
    opened per month, stacked by cause; on the right, the closings by whole days from
    receipt to closing. Returns the path written. Needs the ``charts`` extra."""
    target = Path(path)
    kind = _FORMATS.get(target.suffix.lower())
    if kind is None:
        raise InvalidValueError(f"a chart is written as .svg or .png, not {target.suffix!r}",
                                argument="path")
    try:
        import matplotlib

        matplotlib.use("Agg")
        from matplotlib import pyplot
    except ImportError:
        raise ComplaintflowError("charts need matplotlib: pip install "
                                 "'complaintflow[charts]'") from None
    figure, (left, right) = pyplot.subplots(1, 2, figsize=(WIDTH_INCHES, HEIGHT_INCHES),
                                            dpi=DPI)
    try:
        months = list(trends.months)
        bottom = [0] * len(months)
        for series in trends.causes:
            left.bar(months, series.counts, bottom=bottom, label=series.key)
            bottom = [b + c for b, c in zip(bottom, series.counts, strict=True)]
        left.set_title(f"Complaints opened by cause, {trends.period}")
        left.set_ylabel("complaints")
        if trends.causes:
            left.legend(fontsize="small")
        left.tick_params(axis="x", labelrotation=45)
        days = list(range(len(trends.resolution_histogram)))
        right.bar(days, trends.resolution_histogram, width=0.9)
        right.set_title("Time to resolution")
        right.set_xlabel("days from receipt (last bar: that many or more)")
        right.set_ylabel("complaints closed")
        figure.tight_layout()
        figure.savefig(target, format=kind, dpi=DPI)
    finally:
        pyplot.close(figure)
    return target
