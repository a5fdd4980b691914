"""A submission is judged by when it arrived, not by when its turn came.

Arrival is the moment the complete request reached the worker: Daphne calls the application only once the
whole body is in, and `trading.realtime.server` stamps that moment into the request's scope before the
request waits for a thread, a database connection or a lock. A bid that arrived before the deadline is
accepted although it is stored after it; one that arrived at or after the deadline is refused, however
quickly it is served.

A received submission may wait at most `max_wait()` for its turn; past that it is answered "not stored,
send again" (nothing is stored). So once the deadline plus that wait has passed, every submission that
arrived in time is either stored or refused, and only then may the opening begin (`settled_at`). The wait
is platform configuration (SUNLIGHT_SUBMISSION_MAX_WAIT_SECONDS), never a tender's field.
"""
import datetime as dt
import time

from django.conf import settings
from django.utils.translation import gettext as _

from . import clock, rules


def max_wait():
    return dt.timedelta(seconds=settings.SUNLIGHT["SUBMISSION_MAX_WAIT_SECONDS"])


def settled_at(deadline):
    """When every submission that arrived before `deadline` has been stored or refused."""
    return deadline + max_wait()


def moment(stamp):
    """`stamp` (epoch seconds) on the one clock: now, less the time that passed since (so a moved clock moves it
    too); now when there is no stamp."""
    now = clock.now()
    if stamp is None:
        return now
    return now - dt.timedelta(seconds=max(0.0, time.time() - stamp))


class WaitedTooLong(Exception):
    """A submission not stored within max_wait() of its arrival: nothing was stored, send it again.

    `retry_after` makes trading.middleware answer 503 with this message and a Retry-After header.
    """

    retry_after = 1


def check_wait(arrived_at, now):
    if now - arrived_at >= max_wait():
        raise WaitedTooLong(_(
            "Your submission reached the platform at %(arrived)s but could not be stored within %(wait)s seconds "
            "because the platform was too busy. Nothing was stored: please send it again.")
            % {"arrived": rules.when_to_the_second(arrived_at), "wait": int(max_wait().total_seconds())})
