"""The opening's step table: only the moves it lists happen, and each step starts its own clock."""
import datetime as dt

import pytest

from trading.bids.opening.models import OpeningSession, OpeningState as S
from trading.bids.opening.steps import NEXT, IllegalMove, move

NOW = dt.datetime(2026, 5, 4, 9, 0, tzinfo=dt.timezone.utc)


def session_at(state):
    return OpeningSession(state=state, sign_in_minutes=30, decryption_minutes=60, announce_minutes=60,
                          confirmation_minutes=30, close_minutes=30)


@pytest.mark.parametrize("start", list(S))
@pytest.mark.parametrize("target", list(S))
def test_only_the_listed_moves_are_possible(start, target):
    session = session_at(start)
    if target in NEXT.get(start, ()):
        move(session, target, NOW)
        assert session.state == target
    else:
        with pytest.raises(IllegalMove):
            move(session, target, NOW)
        assert session.state == start


def test_each_step_starts_its_clock_and_the_first_sign_in_keeps_the_rooms_window():
    session = session_at(S.WAITING)
    move(session, S.ROOM_OPEN, NOW)
    assert session.step_deadline == NOW + dt.timedelta(minutes=30)
    move(session, S.SIGNING_IN, NOW + dt.timedelta(minutes=5))
    assert session.step_deadline == NOW + dt.timedelta(minutes=30)
    move(session, S.DECRYPTING, NOW + dt.timedelta(minutes=10))
    assert session.step_deadline == NOW + dt.timedelta(minutes=70)
    move(session, S.ANNOUNCING, NOW + dt.timedelta(minutes=20))
    move(session, S.CONFIRMING, NOW + dt.timedelta(minutes=30))
    assert session.step_deadline == NOW + dt.timedelta(minutes=90)  # confirmation window plus the host's close
    move(session, S.CLOSED, NOW + dt.timedelta(minutes=40))
    assert session.step_deadline is None and session.closed_at == NOW + dt.timedelta(minutes=40)
