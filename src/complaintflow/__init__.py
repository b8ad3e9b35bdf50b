"""complaintflow: handle customer complaints the way the best support teams do.

A pure, typed core: open a complaint, apply typed (or JSON) commands to it, and get the
next complaint plus the events that happened, or a rejection that explains itself.
Commands are importable from here and from :mod:`complaintflow.commands`; the event
classes live in :mod:`complaintflow.events`.
"""

from ._complaint import Applied, Complaint, open_complaint
from ._errors import ComplaintflowError, InvalidValueError, Problem, SnapshotError
from ._json import JsonValue, Result, apply_json, parse_command, to_json
from ._policy import Policy
from ._rejection import CommandRejected, Reason, Rejection
from ._schema import snapshot_schema
from ._snapshot import dump, dump_event, load, load_event, load_events
from ._upgrade import SNAPSHOT_SCHEMA, SNAPSHOT_VERSION
from ._values import (
    ActionItem,
    Assignment,
    Compensation,
    Concern,
    ConcernStatus,
    Contact,
    Customer,
    CustomerResponse,
    Escalation,
    Feedback,
    Impact,
    Outcome,
    Owner,
    PreventiveAction,
    Receipt,
    RootCause,
    Severity,
    Stage,
)
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


def stage_commands(stage: Stage) -> tuple[str, ...]:
    """The commands a stage accepts, by the workflow definition."""
    return _WORKFLOW.commands_for(stage)


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
    "AssessImpact",
    "Assign",
    "Assignment",
    "BeginRecap",
    "BeginResponse",
    "Close",
    "Command",
    "CommandRejected",
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
    "Customer",
    "CustomerResponse",
    "EndContact",
    "Escalate",
    "Escalation",
    "Event",
    "ExpressEmpathy",
    "Feedback",
    "GiveRelief",
    "HearConcern",
    "Impact",
    "InvalidValueError",
    "JsonValue",
    "LetVent",
    "MarkUnresolvable",
    "NoMoreConcerns",
    "OfferCompensation",
    "Outcome",
    "Owner",
    "PlanAction",
    "Policy",
    "PreventiveAction",
    "Prioritize",
    "Problem",
    "Reason",
    "Recap",
    "Receipt",
    "RecordFeedback",
    "RecordPreventiveAction",
    "RecordRootCause",
    "Refer",
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
    "ThankCustomer",
    "VerifyCustomer",
    "Withdraw",
    "__version__",
    "apply_json",
    "dump",
    "dump_event",
    "load",
    "load_event",
    "load_events",
    "open_complaint",
    "parse_command",
    "snapshot_schema",
    "stage_commands",
    "to_json",
    "workflow_diagram",
]
