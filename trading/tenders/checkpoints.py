"""Checkpoints: every statutory period and deadline of a tender as green, yellow or red.

`evaluate(facts, now)` is pure: it takes what is known about a tender and the time,
and returns one state with its reason per checkpoint. `refresh_checkpoints` stores
the result; a checkpoint that was ever red keeps the mark, and so does the tender.
"""
import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Case, IntegerField, Max, Value, When
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trading.accounts.caller import Caller
from trading.audit.services import record

from . import clock, rules
from .models import Checkpoint, CheckpointState, Tender, TenderStatus
from .selectors import internal_tenders, tender_policy

GREEN, YELLOW, RED = CheckpointState.GREEN, CheckpointState.YELLOW, CheckpointState.RED
OPENING_GRACE = dt.timedelta(hours=1)

LABELS = {
    "bidding_period": gettext_lazy("Bidding period"),
    "document_offer": gettext_lazy("Documents on offer"),
    "clarification_cutoff": gettext_lazy("Clarification cut-off"),
    "opening_on_time": gettext_lazy("Opening at the deadline"),
    "candidate_notice": gettext_lazy("Candidate notice period"),
}


# Checkpoints of the rooms after the opening (award, contracts...), which this module cannot import (the contract
# deadline, `contract_signing`, follows the contracts themselves: the contracts app registers it):
# each app registers a source, `source(tender, now) -> [Result]`, when it starts.
SOURCES = []


def register(code, label, source):
    LABELS[code] = label
    if source not in SOURCES:
        SOURCES.append(source)


@dataclass
class Facts:
    status: str
    documents_from: dt.datetime | None
    documents_until: dt.datetime | None
    deadline: dt.datetime | None
    # The statutory periods in force when the tender was published (rules.Policy), never the entity's numbers.
    policy: rules.Policy
    opened_at: dt.datetime | None = None
    # first time the tender entered each status
    entered: dict = field(default_factory=dict)
    # times of clarifications that changed the conditions
    condition_changes: list = field(default_factory=list)


@dataclass
class Result:
    code: str
    state: str
    reason: str
    # Corrected now, but it was red by the facts (e.g. an opening held late): keeps the mark
    # even if nobody looked while it was red.
    was_red: bool = False

    @property
    def label(self):
        return LABELS[self.code]


def span(delta):
    hours = delta.total_seconds() / 3600
    if hours < 1:
        return _("%(n)d minutes") % {"n": round(delta.total_seconds() / 60)}
    if hours < 48:
        return _("%(n).1f hours") % {"n": hours}
    return _("%(n).1f days") % {"n": hours / 24}


def evaluate(facts, now, yellow_days=None):
    """Return the checkpoint results for one tender (none for a draft)."""
    if facts.status == TenderStatus.DRAFT:
        return []
    yellow = dt.timedelta(days=settings.SUNLIGHT["CHECKPOINT_YELLOW_DAYS"] if yellow_days is None else yellow_days)
    results = []
    start, until, deadline = facts.documents_from, facts.documents_until, facts.deadline

    policy = facts.policy
    if start and deadline:
        rule = policy.describe("bidding_period")
        if rules.bidding_too_short(policy, start, deadline):
            results.append(Result("bidding_period", RED, _(
                "The bidding period is %(length)s; at least %(min)s are required from the documents to the "
                "deadline.") % {"length": span(deadline - start), "min": rule}))
        else:
            results.append(Result("bidding_period", GREEN, _("The bidding period is %(length)s (at least %(min)s).")
                                  % {"length": span(deadline - start), "min": rule}))
    if start and until:
        state = RED if rules.offer_too_short(policy, start, until) else GREEN
        results.append(Result("document_offer", state, _(
            "Documents are on offer for %(length)s (at least %(min)s), until %(until)s.") % {
            "length": span(until - start), "min": policy.describe("document_offer"), "until": rules.when(until)}))

    if deadline:
        rule = policy.describe("clarification_cutoff")
        late = [c for c in facts.condition_changes if rules.change_too_late(policy, c, deadline)]
        if late:
            results.append(Result("clarification_cutoff", RED, _(
                "The conditions changed on %(when)s, only %(left)s before the deadline; at least %(min)s are "
                "required, so the deadline must move.") % {"when": rules.when(late[0]),
                                                           "left": span(deadline - late[0]), "min": rule}))
        elif facts.condition_changes:
            results.append(Result("clarification_cutoff", GREEN, _(
                "Every change of conditions came at least %(min)s before the deadline.") % {"min": rule}))
        else:
            results.append(Result("clarification_cutoff", GREEN, _("No clarification changed the conditions.")))

    results.extend(_opening(facts, now, yellow))
    results.extend(_candidates(facts, now))
    return results


def _opening(facts, now, yellow):
    deadline = facts.deadline
    if not deadline:
        return []
    if facts.opened_at:
        delay = facts.opened_at - deadline
        if delay > OPENING_GRACE:
            return [Result("opening_on_time", GREEN, _("The opening began at %(when)s, %(late)s after the deadline.")
                           % {"when": rules.when(facts.opened_at), "late": span(delay)}, was_red=True)]
        return [Result("opening_on_time", GREEN, _("The opening began at %(when)s, at the deadline.")
                       % {"when": rules.when(facts.opened_at)})]
    if facts.status not in (TenderStatus.PUBLISHED, TenderStatus.BIDDING_CLOSED):
        return []
    if now < deadline:
        state = YELLOW if deadline - now <= yellow else GREEN
        return [Result("opening_on_time", state, _("Bidding closes and the opening is due at %(when)s, in %(left)s.")
                       % {"when": rules.when(deadline), "left": span(deadline - now)})]
    if now - deadline <= OPENING_GRACE:
        return [Result("opening_on_time", YELLOW, _("The deadline passed at %(when)s; the opening must start now.")
                       % {"when": rules.when(deadline)})]
    return [Result("opening_on_time", RED, _("The deadline passed %(ago)s ago and the opening has not started.")
                   % {"ago": span(now - deadline)})]


def _candidates(facts, now):
    shown = facts.entered.get(TenderStatus.CANDIDATES)
    if not shown:
        return []
    policy = facts.policy
    minimum, rule = policy.delta("candidate_notice"), policy.describe("candidate_notice")
    awarded = facts.entered.get(TenderStatus.AWARDED)
    if awarded:
        if awarded - shown < minimum:
            return [Result("candidate_notice", RED, _(
                "The award came %(after)s after the candidate notice; the notice must stay up %(min)s.")
                % {"after": span(awarded - shown), "min": rule})]
        return [Result("candidate_notice", GREEN, _("The candidates were shown for at least %(min)s.")
                       % {"min": rule})]
    if facts.status == TenderStatus.CANDIDATES and now - shown < minimum:
        return [Result("candidate_notice", YELLOW, _(
            "The candidate notice is up since %(when)s; no award before %(until)s.")
            % {"when": rules.when(shown), "until": rules.when(shown + minimum)})]
    return [Result("candidate_notice", GREEN, _("The candidates were shown for at least %(min)s.") % {"min": rule})]


def facts_of(tender):
    entered = {}
    for change in tender.status_changes.all():
        entered.setdefault(change.to_status, change.at)
    return Facts(
        status=tender.status, documents_from=tender.documents_from, documents_until=tender.documents_until,
        deadline=tender.deadline, policy=tender_policy(tender), opened_at=tender.opened_at, entered=entered,
        condition_changes=[c.created_at for c in tender.clarifications.all() if c.changes_conditions],
    )


def refresh_checkpoints(tender, caller=None):
    """Store the current states; log each change; latch the tender's "was red" mark."""
    if tender.imported:
        return []
    caller = caller or Caller.system()
    now = clock.now()
    results = evaluate(facts_of(tender), now)
    if tender.status != TenderStatus.DRAFT:
        results += [result for source in SOURCES for result in source(tender, now)]
    with transaction.atomic():
        stored = {c.code: c for c in Checkpoint.objects.select_for_update().filter(tender=tender)}
        for result in results:
            current = stored.get(result.code)
            if current and current.state == result.state and current.reason == result.reason:
                continue
            if current is None:
                current = Checkpoint(tender=tender, code=result.code)
            changed_state = current.state != result.state
            current.state, current.reason = result.state, result.reason
            current.was_red = current.was_red or result.state == RED or result.was_red
            if changed_state:
                current.changed_at = now
            current.save()
            if changed_state:
                record(caller, "tenders.checkpoint", tender, code=result.code, state=result.state,
                       reason=result.reason)
        if any(r.state == RED or r.was_red for r in results) and not tender.was_red:
            tender.was_red = True
            Tender.objects.filter(pk=tender.pk).update(was_red=True)
    return results


STATE_RANK = Case(When(checkpoints__state=RED, then=Value(2)), When(checkpoints__state=YELLOW, then=Value(1)),
                  default=Value(0), output_field=IntegerField())


def supervised_tenders(user):
    """Tenders with checkpoints that this user may watch, worst first (red, then yellow, then green)."""
    return (internal_tenders(user).exclude(status=TenderStatus.DRAFT).exclude(imported=True)
            .annotate(worst=Max(STATE_RANK)).order_by("-worst", "-was_red", "deadline", "id")
            .select_related("project", "project__entity").prefetch_related("checkpoints"))


FINISHED = [TenderStatus.COMPLETE, TenderStatus.FAILED, TenderStatus.CANCELLED]


def refresh_live_tenders(tenders=None):
    """Time moves checkpoints (deadlines pass): recompute every tender still running; return how many."""
    if tenders is None:
        tenders = Tender.objects.exclude(status=TenderStatus.DRAFT).exclude(imported=True)
    live = tenders.exclude(status__in=FINISHED)
    count = 0
    for tender in Tender.objects.filter(pk__in=live.values("pk")).prefetch_related("status_changes",
                                                                                    "clarifications"):
        refresh_checkpoints(tender)
        count += 1
    return count
