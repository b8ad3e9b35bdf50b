"""Complaint returns and trends, computed from event logs.

Each return reads one complaint's log at a time (any iterable of logs: a store's export,
a generator) and keeps only what it counts, so that memory does not grow with the number
of complaints. Personal data never reaches a report: codes, counts, dates and amounts.

- :func:`fca_return`: the FCA's consolidated complaints return (PS25/19), by product or
  service and cause, for a :class:`ReportingPeriod` (the fixed half-years).
- :func:`asic_idr_records`: ASIC's IDR data reporting (RG 271), a record per complaint.
- :func:`cfpb_timeliness`: the CFPB's timeliness, a record per complaint.
- :func:`complaint_trends`: root-cause trends, repeat complainants, reopen rate, promises
  kept, time to resolution, preventive actions; :func:`trend_chart` draws them.
- :data:`FCA_DISP1_ANNEX1`: a fallback taxonomy, labelled with what it could be sourced
  from; bring your own :class:`~complaintflow.Taxonomy`.
"""

from .._publish import publish as _publish
from .._values.taxonomy import Category, Taxonomy
from ._asic import AsicIdrRecord, asic_idr_records
from ._cfpb import CfpbRecord, cfpb_timeliness
from ._charts import trend_chart
from ._fca import UNCLASSIFIED, FcaCell, FcaReturn, fca_return
from ._output import report_json, report_rows, report_table, transposed, write_report_csv
from ._period import ReportingPeriod
from ._taxonomies import FCA_DISP1_ANNEX1
from ._trends import Series, Trends, complaint_trends

__all__ = [
    "FCA_DISP1_ANNEX1",
    "UNCLASSIFIED",
    "AsicIdrRecord",
    "Category",
    "CfpbRecord",
    "FcaCell",
    "FcaReturn",
    "ReportingPeriod",
    "Series",
    "Taxonomy",
    "Trends",
    "asic_idr_records",
    "cfpb_timeliness",
    "complaint_trends",
    "fca_return",
    "report_json",
    "report_rows",
    "report_table",
    "transposed",
    "trend_chart",
    "write_report_csv",
]

_publish(__name__, globals(), __all__)
