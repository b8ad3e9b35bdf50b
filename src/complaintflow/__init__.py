"""complaintflow: handle customer complaints the way the best support teams do.

A pure, typed core: open a complaint, apply typed (or JSON) commands to it, and get the
next complaint plus the events that happened, or a rejection that explains itself.
Commands are importable from here and from :mod:`complaintflow.commands`; the event
classes live in :mod:`complaintflow.events`.
"""

from . import commands as _commands
from ._clocks.calendar import BusinessCalendar, DateSpan
from ._clocks.evaluate import ClockState, ClockStatus, breaches, deadlines
from ._clocks.holidays import calendar_from_holidays, uk_calendar
from ._clocks.presets import AsicComplaintType, asic_rg271, cfpb, fca_disp, psd2, service_clocks
from ._clocks.regime import ClockKind, ClockRule, DayEnd, Limit, Regime, StopWhen, Unit
from ._core.complaint import Applied, Complaint, open_complaint
from ._core.policy import Policy
from ._core.rejection import CommandRejected, Rejection
from ._core.workflow import WORKFLOW as _WORKFLOW
from ._formats.entry import Result, apply_json, parse_command, to_json
from ._formats.integrity import IntegrityKey
from ._formats.json_value import JsonValue
from ._formats.redact import customer_view
from ._formats.schema import snapshot_schema
from ._formats.snapshot import dump, dump_event, dump_events, load, load_event, load_events
from ._formats.upcasters import SNAPSHOT_SCHEMA, SNAPSHOT_VERSION
from ._formats.verify import verify
from ._publish import publish as _publish
from ._values.checks import to_stage as _to_stage
from ._values.enums import (
    CheckInOutcome,
    CommunicationKind,
    ConcernStatus,
    CustomerResponse,
    Decision,
    Emotion,
    InteractionalNeed,
    Outcome,
    Owner,
    RedressKind,
    Severity,
    Stage,
    VulnerabilityDriver,
)
from ._values.errors import ComplaintflowError, InvalidValueError, Problem, SnapshotError
from ._values.parts import (
    ActionItem,
    Assignment,
    CheckIn,
    Classification,
    Communication,
    Compensation,
    Concern,
    ConcernRecap,
    Contact,
    Customer,
    Escalation,
    Feedback,
    FollowUp,
    Impact,
    Money,
    Needs,
    PauseInterval,
    Practices,
    PreventiveAction,
    Receipt,
    Redress,
    RootCause,
    Timeline,
    Touch,
)
from ._values.reasons import Reason, ReasonKind
from ._values.taxonomy import Category, Taxonomy
from .commands import *  # noqa: F403  (every command class, Command, AnyCommand, COMMAND_TYPES)
from .events import EVENT_TYPES, AnyEvent, Event


def workflow_diagram() -> str:
    """The workflow as a Mermaid ``stateDiagram-v2``, generated from the definition."""
    return _WORKFLOW.mermaid()


def stage_commands(stage: Stage | str) -> tuple[str, ...]:
    """The commands a stage accepts, by the workflow definition (a stage or its name)."""
    return _WORKFLOW.commands_for(_to_stage(stage))


__version__ = "0.1.0"

__all__ = [
    "EVENT_TYPES",
    "SNAPSHOT_SCHEMA",
    "SNAPSHOT_VERSION",
    "ActionItem",
    "AnyEvent",
    "Applied",
    "AsicComplaintType",
    "Assignment",
    "BusinessCalendar",
    "Category",
    "CheckIn",
    "CheckInOutcome",
    "Classification",
    "ClockKind",
    "ClockRule",
    "ClockState",
    "ClockStatus",
    "CommandRejected",
    "Communication",
    "CommunicationKind",
    "Compensation",
    "Complaint",
    "ComplaintflowError",
    "Concern",
    "ConcernRecap",
    "ConcernStatus",
    "Contact",
    "Customer",
    "CustomerResponse",
    "DateSpan",
    "DayEnd",
    "Decision",
    "Emotion",
    "Escalation",
    "Event",
    "Feedback",
    "FollowUp",
    "Impact",
    "IntegrityKey",
    "InteractionalNeed",
    "InvalidValueError",
    "JsonValue",
    "Limit",
    "Money",
    "Needs",
    "Outcome",
    "Owner",
    "PauseInterval",
    "Policy",
    "Practices",
    "PreventiveAction",
    "Problem",
    "Reason",
    "ReasonKind",
    "Receipt",
    "Redress",
    "RedressKind",
    "Regime",
    "Rejection",
    "Result",
    "RootCause",
    "Severity",
    "SnapshotError",
    "Stage",
    "StopWhen",
    "Taxonomy",
    "Timeline",
    "Touch",
    "Unit",
    "VulnerabilityDriver",
    "__version__",
    "apply_json",
    "asic_rg271",
    "breaches",
    "calendar_from_holidays",
    "cfpb",
    "customer_view",
    "deadlines",
    "dump",
    "dump_event",
    "dump_events",
    "fca_disp",
    "load",
    "load_event",
    "load_events",
    "open_complaint",
    "parse_command",
    "psd2",
    "service_clocks",
    "snapshot_schema",
    "stage_commands",
    "to_json",
    "uk_calendar",
    "verify",
    "workflow_diagram",
]
__all__ += _commands.__all__

_publish(__name__, globals(), __all__)
