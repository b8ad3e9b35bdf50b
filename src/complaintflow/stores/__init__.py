"""Where hosts keep complaints: the store contract, and :func:`handle` for any store.

:mod:`complaintflow.stores.sqlite` is the embedded store on the standard library's
``sqlite3``; a host with its own database implements :class:`ComplaintStore` and checks it
with :class:`complaintflow.testing.StoreContract`.
"""

from .._publish import publish as _publish
from .._values.errors import ComplaintExists, ComplaintNotFound, ConcurrencyConflict, StoreError
from ._store import Backoff, ComplaintStore, EventFeed, FeedItem, handle

__all__ = [
    "Backoff",
    "ComplaintExists",
    "ComplaintNotFound",
    "ComplaintStore",
    "ConcurrencyConflict",
    "EventFeed",
    "FeedItem",
    "StoreError",
    "handle",
]

_publish(__name__, globals(), __all__)
