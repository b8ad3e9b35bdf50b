"""Taxonomies: the product or service and the cause categories a complaint is filed under.

A taxonomy is data a host passes in (``Policy(taxonomy=...)``, and to the returns): a name,
the version and source it was transcribed from, and its categories, each with a stable
code. ``complaintflow.reports`` ships the ones that can be sourced; hosts bring their own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from attrs import Attribute, field, frozen

from .checks import as_tuple, non_blank, optional_non_blank
from .errors import InvalidValueError

CODE = re.compile(r"[a-z0-9][a-z0-9_.\-]{0,63}")
"""A category code: lowercase letters, digits, ``_``, ``.`` and ``-``, at most 64."""


def _code(_: object, attribute: Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not CODE.fullmatch(value):
        raise InvalidValueError(f"{attribute.name} must be a code of lowercase letters, "
                                "digits, '_', '.' or '-' (at most 64)", argument=attribute.name)


@frozen
class Category:
    """One category of a taxonomy: a stable ``code``, a ``label`` for people, and the
    ``group`` it belongs to (such as the FCA return's product groups), if any."""

    code: str = field(validator=_code)
    label: str = field(validator=non_blank)
    group: str | None = field(default=None, validator=optional_non_blank)


def _categories(value: Iterable[Category], argument: str) -> tuple[Category, ...]:
    items = as_tuple(value, argument, "a list of Category values")
    if not items or not all(isinstance(item, Category) for item in items):
        raise InvalidValueError(f"{argument} must hold Category values, at least one",
                                argument=argument)
    codes = [item.code for item in items]
    repeated = sorted({code for code in codes if codes.count(code) > 1})
    if repeated:
        raise InvalidValueError(f"{argument} repeat the codes {', '.join(repeated)}",
                                argument=argument)
    return items


def _products(value: Iterable[Category]) -> tuple[Category, ...]:
    return _categories(value, "products")


def _causes(value: Iterable[Category]) -> tuple[Category, ...]:
    return _categories(value, "causes")


@frozen(kw_only=True, cache_hash=True)
class Taxonomy:
    """The categories complaints are filed under: ``products`` (the product or service
    complained about) and ``causes`` (what the complaint is about), with the ``name`` and
    ``version`` of the list and the ``source`` it was transcribed from."""

    name: str = field(validator=non_blank)
    version: str = field(validator=non_blank)
    source: str = field(validator=non_blank)
    products: tuple[Category, ...] = field(converter=_products)
    causes: tuple[Category, ...] = field(converter=_causes)

    def product(self, code: str) -> Category | None:
        """The product or service category with this code, or ``None``."""
        return next((c for c in self.products if c.code == code), None)

    def cause(self, code: str) -> Category | None:
        """The cause category with this code, or ``None``."""
        return next((c for c in self.causes if c.code == code), None)
