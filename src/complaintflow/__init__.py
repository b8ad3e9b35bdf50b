"""complaintflow: handle customer complaints the way the best support teams do.

A pure, typed core: open a complaint, apply typed (or JSON) commands to it, and get the
next complaint plus the events that happened, or a rejection that explains itself.
Commands are importable from here and from :mod:`complaintflow.commands`; the event
classes live in :mod:`complaintflow.events`.
"""

from ._calendar import BusinessCalendar
from ._clocks import ClockState, ClockStatus, breaches, deadlines
from ._complaint import Applied, Complaint, open_complaint
from ._errors import ComplaintflowError, InvalidValueError, Problem, SnapshotError
from ._holidays import calendar_from_holidays, uk_calendar
from ._json import JsonValue, Result, apply_json, parse_command, to_json
from ._policy import Policy
from ._presets import AsicComplaintType, asic_rg271, cfpb, fca_disp, psd2, service_clocks
from ._regime import ClockKind, ClockRule, DayEnd, Limit, Regime, StopWhen, Unit
from ._rejection import CommandRejected, Reason, Rejection
from ._schema import snapshot_schema
from ._snapshot import dump, dump_event, load, load_event, load_events
from ._upgrade import SNAPSHOT_SCHEMA, SNAPSHOT_VERSION
from ._values import (
    ActionItem,
    Assignment,
    Communication,
    CommunicationKind,
    Compensation,
    Concern,
    ConcernStatus,
    Contact,
    ContactRecord,
    Customer,
    CustomerResponse,
    Escalation,
    Feedback,
    FollowUp,
    Impact,
    Outcome,
    Owner,
    PauseInterval,
    PreventiveAction,
    Receipt,
    RootCause,
    Severity,
    Stage,
    Timeline,
)
from ._values import as_member as _as_member
from ._workflow import WORKFLOW as _WORKFLOW
from .commands import (
    COMMAND_TYPES,
    AnyCommand,
    Apologize,
    AssessImpact,
    Assign,
    BeginRecap,
    BeginResponse,
    Close,
    Command,
    CompleteAction,
    ConfirmConcern,
    ConfirmImpact,
    ConfirmNextSteps,
    EndContact,
    Escalate,
    ExpressEmpathy,
    GiveRelief,
    HearConcern,
    LetVent,
    MarkUnresolvable,
    NoMoreConcerns,
    OfferCompensation,
    PlanAction,
    Prioritize,
    Recap,
    RecordCommunication,
    RecordFeedback,
    RecordPreventiveAction,
    RecordRootCause,
    Refer,
    RejectRestatement,
    Reopen,
    ResolveConcern,
    RestateConcern,
    ReviewOpenItems,
    ScheduleFollowUp,
    SeekClosure,
    StartContact,
    ThankCustomer,
    VerifyCustomer,
    Withdraw,
)
from .events import EVENT_TYPES, AnyEvent, Event


def workflow_diagram() -> str:
    """The workflow as a Mermaid ``stateDiagram-v2``, generated from the definition."""
    return _WORKFLOW.mermaid()


def stage_commands(stage: Stage | str) -> tuple[str, ...]:
    """The commands a stage accepts, by the workflow definition (a stage or its name)."""
    return _WORKFLOW.commands_for(_as_member(Stage, stage, "stage"))


__version__ = "0.1.0"

__all__ = [
    "COMMAND_TYPES",
    "EVENT_TYPES",
    "SNAPSHOT_SCHEMA",
    "SNAPSHOT_VERSION",
    "ActionItem",
    "AnyCommand",
    "AnyEvent",
    "Apologize",
    "Applied",
    "AsicComplaintType",
    "AssessImpact",
    "Assign",
    "Assignment",
    "BeginRecap",
    "BeginResponse",
    "BusinessCalendar",
    "ClockKind",
    "ClockRule",
    "ClockState",
    "ClockStatus",
    "Close",
    "Command",
    "CommandRejected",
    "Communication",
    "CommunicationKind",
    "Compensation",
    "Complaint",
    "ComplaintflowError",
    "CompleteAction",
    "Concern",
    "ConcernStatus",
    "ConfirmConcern",
    "ConfirmImpact",
    "ConfirmNextSteps",
    "Contact",
    "ContactRecord",
    "Customer",
    "CustomerResponse",
    "DayEnd",
    "EndContact",
    "Escalate",
    "Escalation",
    "Event",
    "ExpressEmpathy",
    "Feedback",
    "FollowUp",
    "GiveRelief",
    "HearConcern",
    "Impact",
    "InvalidValueError",
    "JsonValue",
    "LetVent",
    "Limit",
    "MarkUnresolvable",
    "NoMoreConcerns",
    "OfferCompensation",
    "Outcome",
    "Owner",
    "PauseInterval",
    "PlanAction",
    "Policy",
    "PreventiveAction",
    "Prioritize",
    "Problem",
    "Reason",
    "Recap",
    "Receipt",
    "RecordCommunication",
    "RecordFeedback",
    "RecordPreventiveAction",
    "RecordRootCause",
    "Refer",
    "Regime",
    "RejectRestatement",
    "Rejection",
    "Reopen",
    "ResolveConcern",
    "RestateConcern",
    "Result",
    "ReviewOpenItems",
    "RootCause",
    "ScheduleFollowUp",
    "SeekClosure",
    "Severity",
    "SnapshotError",
    "Stage",
    "StartContact",
    "StopWhen",
    "ThankCustomer",
    "Timeline",
    "Unit",
    "VerifyCustomer",
    "Withdraw",
    "__version__",
    "apply_json",
    "asic_rg271",
    "breaches",
    "calendar_from_holidays",
    "cfpb",
    "deadlines",
    "dump",
    "dump_event",
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
    "workflow_diagram",
]
