"""Complaint returns and trends, computed from event logs.

The taxonomies a complaint is filed under (:class:`Taxonomy`, :class:`Category`, and the
shipped presets) come first; the returns follow.
"""

from .._publish import publish as _publish
from .._values.taxonomy import Category, Taxonomy

__all__ = [
    "Category",
    "Taxonomy",
]

_publish(__name__, globals(), __all__)
