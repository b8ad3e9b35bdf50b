"""The workflow's rows, one module per step: each holds its commands' rows, their guards
(``decide``), their folds (``evolve``) and the reason codes the guards give.

:data:`ROWS` collects every :class:`~complaintflow._core.row.Row` of the modules below, in
workflow order and, within a module, in the order they are written: that order is the
order of ``allowed_commands()``, of the diagram and of the docs' tables.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from ..row import Row
from . import (
    after_close,
    assess,
    close,
    communicate,
    conduct,
    follow_up,
    listen,
    practices,
    prioritize,
    record,
    respond,
    verify,
)

STEPS: tuple[ModuleType, ...] = (verify, listen, prioritize, assess, respond, follow_up,
                                 close, conduct, practices, after_close, communicate, record)
"""The step modules, in workflow order."""

ROWS: tuple[Row[Any, Any], ...] = tuple(
    value for step in STEPS for value in vars(step).values() if isinstance(value, Row))
"""Every row, in workflow order."""
