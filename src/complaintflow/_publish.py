"""How the public modules publish the names they re-export from private ones.

A name keeps the public path it is used by (``complaintflow.Complaint``, not the private
module it is written in), so that reprs, tracebacks, pytest's output, pickles and the docs
never show a private path, wherever the code moves later.
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Iterable, Mapping

import attrs


def _private(module: str) -> bool:
    return any(part.startswith("_") for part in module.split("."))


def publish(module: str, namespace: Mapping[str, object], names: Iterable[str]) -> None:
    """Give each of ``names`` that lives in a private module the public ``module``.

    A class's string annotations are resolved first, while its own module still resolves
    them: ``typing.get_type_hints`` and cattrs look names up in ``__module__``'s globals.
    """
    for name in names:
        obj = namespace[name]
        current = getattr(obj, "__module__", None)
        if not isinstance(current, str) or not current.startswith("complaintflow"):
            continue
        if not _private(current):
            continue
        if isinstance(obj, type):
            _resolve_annotations(obj)
        try:
            obj.__module__ = module
        except (AttributeError, TypeError):  # an alias or a value: nothing to rename
            continue


def _resolve_annotations(cls: type) -> None:
    own = inspect.get_annotations(cls)
    if not own:
        return
    hints = typing.get_type_hints(cls, include_extras=True)
    cls.__annotations__ = {key: hints.get(key, value) for key, value in own.items()}
    if attrs.has(cls):
        attrs.resolve_types(cls)
