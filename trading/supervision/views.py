from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from trading.accounts.permissions import authorize
from trading.tenders import clock
from trading.tenders.checkpoints import LABELS

from . import selectors


@login_required
def desk(request):
    """The supervisor's home: live and coming openings, red checkpoints, alarms, what waits for an answer."""
    authorize(request.user, "supervision.desk")
    now = clock.now()
    return render(request, "supervision/desk.html", {
        "now": now, "openings": selectors.openings(now), "red": selectors.red_checkpoints(), "labels": LABELS,
        "alarms": selectors.alarms(now), "complaints": selectors.complaints_waiting(),
        "objections": selectors.objections_waiting()})
