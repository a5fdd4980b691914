"""The complaints room's checkpoints for the supervisor: objections to the documents answered in time, each
complaint accepted or refused in time, each accepted complaint decided in time. Red once one is late; a late
one answered later keeps the "was red" mark."""
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trading.tenders import rules
from trading.tenders.checkpoints import GREEN, RED, YELLOW, Result

from .models import Complaint, ComplaintStatus, DocumentObjection


def _judge(code, items, due, done, now, texts):
    """One result over items with a due moment and a done moment (None: not done yet)."""
    if not items:
        return []
    late = [i for i in items if (done(i) or now) > due(i)]
    waiting = [i for i in items if done(i) is None]
    late_waiting = [i for i in waiting if now > due(i)]
    if late_waiting:
        first = min(late_waiting, key=due)
        return [Result(code, RED, texts["red"] % {"due": rules.when(due(first)), "number": first.pk})]
    if waiting:
        first = min(waiting, key=due)
        return [Result(code, YELLOW, texts["yellow"] % {"n": len(waiting), "due": rules.when(due(first))},
                       was_red=bool(late))]
    return [Result(code, GREEN, texts["green"] % {"n": len(items), "late": len(late)}, was_red=bool(late))]


def objections_answered(tender, now):
    return _judge("document_objection_answer", list(DocumentObjection.objects.filter(tender=tender)),
                  lambda o: o.answer_due, lambda o: o.answered_at, now, {
                      "red": _("An objection to the tender documents was due an answer by %(due)s and has none."),
                      "yellow": _("%(n)d objection(s) to the documents await an answer, the first by %(due)s; the "
                                  "procedure is suspended until then."),
                      "green": _("Every objection to the documents was answered (%(n)d); %(late)d late.")})


def complaints_accepted(tender, now):
    return _judge("complaint_acceptance", list(Complaint.objects.filter(tender=tender)),
                  lambda c: c.acceptance_due, lambda c: c.accepted_at or c.refused_at, now, {
                      "red": _("Complaint no. %(number)d was due to be accepted or refused by %(due)s."),
                      "yellow": _("%(n)d complaint(s) await acceptance, the first by %(due)s."),
                      "green": _("Every complaint was accepted or refused (%(n)d); %(late)d late.")})


def complaints_decided(tender, now):
    accepted = list(Complaint.objects.filter(tender=tender, accepted_at__isnull=False))
    return _judge("complaint_decision", accepted, lambda c: c.decision_due,
                  lambda c: c.decided_at if c.status == ComplaintStatus.DECIDED else None, now, {
                      "red": _("Complaint no. %(number)d was due a decision by %(due)s."),
                      "yellow": _("%(n)d complaint(s) under review, the first decision due by %(due)s."),
                      "green": _("Every accepted complaint was decided (%(n)d); %(late)d late.")})


CHECKPOINTS = [
    ("document_objection_answer", gettext_lazy("Objections to the documents answered"), objections_answered),
    ("complaint_acceptance", gettext_lazy("Complaints accepted or refused in time"), complaints_accepted),
    ("complaint_decision", gettext_lazy("Complaints decided in time"), complaints_decided),
]
