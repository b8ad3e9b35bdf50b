"""Named audit policies, for the command line and for hosts that want a starting point."""

from __future__ import annotations

from ._builtin import BUILTIN_RULES
from ._model import AuditPolicy, Grade, Regrade

AUDIT_POLICIES: dict[str, AuditPolicy] = {
    "default": AuditPolicy(),
    "strict": AuditPolicy(regrade=tuple(Regrade(rule.id, Grade.CRITICAL)
                                        for rule in BUILTIN_RULES)),
    "lenient": AuditPolicy(
        disabled=("empathy_expressed", "root_cause_and_prevention"),
        regrade=(Regrade("apology_before_response", Grade.MINOR),
                 Regrade("promises_kept", Grade.MINOR)),
    ),
}
"""``default``: the built-in grades. ``strict``: every built-in rule is critical.
``lenient``: no empathy or root-cause rules; apology and promises graded minor."""
