"""The award room's checkpoints for the supervisor: the candidate notice on time, objections answered in time."""
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trading.evaluation.models import Report
from trading.tenders import rules
from trading.tenders.checkpoints import GREEN, RED, YELLOW, Result, span
from trading.tenders.models import TenderStatus
from trading.tenders.selectors import tender_policy

from .models import CandidateNotice, Objection


def notice_on_time(tender, now):
    """The candidate notice must follow the evaluation report within the policy's period."""
    report = Report.objects.filter(tender=tender, superseded_at__isnull=True).first()
    if report is None or report.outcome != "ranked":
        return []
    policy = tender_policy(tender)
    due = report.signed_at + policy.delta("notice_after_report")
    rule = policy.describe("notice_after_report")
    notice = CandidateNotice.objects.filter(report=report).first()
    if notice is not None:
        late = notice.published_at > due
        return [Result("notice_after_report", GREEN, _(
            "The candidate notice was published %(after)s after the evaluation report (within %(max)s).") % {
            "after": span(notice.published_at - report.signed_at), "max": rule}, was_red=late)]
    if tender.status in (TenderStatus.CANCELLED, TenderStatus.FAILED):
        return []
    if now > due:
        return [Result("notice_after_report", RED, _(
            "The evaluation report was signed on %(when)s; the candidate notice was due by %(due)s and is not "
            "published.") % {"when": rules.when(report.signed_at), "due": rules.when(due)})]
    return [Result("notice_after_report", YELLOW, _("The candidate notice is due by %(due)s.")
                   % {"due": rules.when(due)})]


def objections_answered(tender, now):
    """Every objection to the candidates gets its answer within the policy's period; red once one is late."""
    objections = list(Objection.objects.filter(tender=tender))
    if not objections:
        return []
    late = [o for o in objections if (o.answered_at or now) > o.answer_due]
    waiting = [o for o in objections if not o.answered]
    if any(not o.answered for o in late):
        first = min((o for o in late if not o.answered), key=lambda o: o.answer_due)
        return [Result("objection_answer", RED, _(
            "An objection filed on %(when)s was due an answer by %(due)s and has none.") % {
            "when": rules.when(first.filed_at), "due": rules.when(first.answer_due)})]
    if waiting:
        first = min(waiting, key=lambda o: o.answer_due)
        return [Result("objection_answer", YELLOW, _(
            "%(n)d objection(s) awaiting an answer, the first by %(due)s; no award before they are answered.") % {
            "n": len(waiting), "due": rules.when(first.answer_due)}, was_red=bool(late))]
    return [Result("objection_answer", GREEN, _("Every objection was answered (%(n)d); %(late)d late.") % {
        "n": len(objections), "late": len(late)}, was_red=bool(late))]


CHECKPOINTS = [
    ("notice_after_report", gettext_lazy("Candidate notice after the report"), notice_on_time),
    ("objection_answer", gettext_lazy("Objections answered"), objections_answered),
]
