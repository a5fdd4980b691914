"""The one clock every deadline is checked against.

Services in tenders and bids call `clock.now()` (never `datetime.now`), so a
test can move time for both apps at once:

    with clock.frozen_at(moment): ...      # time stands still at `moment`
    with clock.shifted(timedelta(days=21)): ...  # real time, moved

Both restore the previous state on exit, so they nest.
"""
from contextlib import contextmanager
from datetime import timedelta

from django.utils import timezone

_frozen = None
_offset = timedelta(0)


def now():
    if _frozen is not None:
        return _frozen
    return timezone.now() + _offset


@contextmanager
def frozen_at(moment):
    global _frozen
    previous = _frozen
    _frozen = moment
    try:
        yield moment
    finally:
        _frozen = previous


@contextmanager
def shifted(delta):
    global _offset, _frozen
    previous = _offset, _frozen
    _offset += delta
    if _frozen is not None:
        _frozen += delta
    try:
        yield
    finally:
        _offset, _frozen = previous
