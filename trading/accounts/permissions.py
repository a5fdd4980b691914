"""The permission matrix: which role may perform which action.

Services call `authorize` before any write or sensitive read, so the rule holds
for pages, the API, websockets and commands alike. Object-level rules (own
organisation, own bid, timing) are checked by the service after this.
"""
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .roles import Role

C, E, S, D, X, A = Role.CONTRACTOR, Role.ENTITY, Role.SUPERVISOR, Role.DISCIPLINE, Role.EXPERT, Role.ADMIN
F = Role.FINANCE  # the trading centre's finance staff: bid security received, refunded

MATRIX = {
    "tender.create": {E},
    "tender.edit": {E},
    "tender.publish": {E},
    "tender.clarify": {E},
    "tender.cancel": {E},
    "tender.advance": {E},
    "tender.view_internal": {E, S, D, A},
    "document.upload": {E},
    "document.download": {C, E, S, D, X, A},
    "document.view_downloads": {S, D},
    "checkpoint.view": {E, S, D, A},
    "bid.submit": {C},
    "bid.withdraw": {C},
    "bid.confirm": {C},
    "bid.view_own": {C},
    "bid.view_signals": {D},
    "receipt.verify": {C, E, S, D, X, A},
    "opening.host": {E},
    "opening.watch": {E, S, D, C},
    "opening.hold_share": {E, S},
    "opening.respond": {C},
    "procedure.pause": {S},
    "collusion.view": {D, A},
    "collusion.report": {D, A},
    "case.manage": {D},
    "audit.view": {S, D, A},
    "organisation.manage": {A},
    "policy.manage": {A},
    "history.import": {A},
    "expert.manage": {A},
    "expert.declare": {X},
    "committee.draw": {E},
    "committee.watch": {S, D},
    "evaluation.review": {X, E},
    "evaluation.justify": {C},
    "candidate.object": {C},
    "supervision.desk": {S},
    "question.ask": {C},
    "question.answer": {E},
    "document_objection.file": {C},
    "document_objection.answer": {E},
    "complaint.file": {C},
    "complaint.handle": {S},
    "complaint.read_all": {S, D},
    "contract.conclude": {E},
    "contract.amend": {E},
    "contract.approve": {S},
    "contract.progress": {E},
    "contract.rate": {E},
    "contract.check_in": {C},
    "contract.attendance": {E, S},
    "contract.subcontract": {C},
    "contract.watch": {S, D},
    "credit.manage": {S},
    "security.pay": {C},
    "security.view": {F, S, D},
    "security.confirm": {F},
    "security.refund": {F},
    "security.forfeit": {E},
    "bank.manage": {A},
    "smallproject.file": {E},
    "integrity.feedback": {E},
}

# What each action is called in a refusal, so people read words, not codes.
ACTION_LABELS = {
    "tender.create": gettext_lazy("register projects and create tenders"),
    "tender.edit": gettext_lazy("edit tenders"),
    "tender.publish": gettext_lazy("publish tenders"),
    "tender.clarify": gettext_lazy("issue clarifications"),
    "tender.cancel": gettext_lazy("cancel tenders"),
    "tender.advance": gettext_lazy("move a tender to its next stage"),
    "tender.view_internal": gettext_lazy("see a tender's internal details"),
    "document.upload": gettext_lazy("upload tender documents"),
    "document.download": gettext_lazy("download tender documents"),
    "document.view_downloads": gettext_lazy("see who downloaded the documents"),
    "checkpoint.view": gettext_lazy("see supervision checkpoints"),
    "bid.submit": gettext_lazy("submit bids"),
    "bid.withdraw": gettext_lazy("withdraw bids"),
    "bid.confirm": gettext_lazy("confirm bids"),
    "bid.view_own": gettext_lazy("see your own bids"),
    "bid.view_signals": gettext_lazy("see submission signals"),
    "receipt.verify": gettext_lazy("verify receipts"),
    "opening.host": gettext_lazy("host a bid opening"),
    "opening.watch": gettext_lazy("watch a bid opening"),
    "opening.hold_share": gettext_lazy("hold an opening key share"),
    "opening.respond": gettext_lazy("confirm or object at a bid opening"),
    "procedure.pause": gettext_lazy("pause a procedure"),
    "collusion.view": gettext_lazy("read collusion reports"),
    "collusion.report": gettext_lazy("run collusion reports"),
    "case.manage": gettext_lazy("open and manage cases"),
    "audit.view": gettext_lazy("read the audit log"),
    "organisation.manage": gettext_lazy("manage users and organisations"),
    "policy.manage": gettext_lazy("set the statutory periods of procedures"),
    "expert.manage": gettext_lazy("manage the expert pool"),
    "expert.declare": gettext_lazy("keep an expert's availability and declarations"),
    "committee.draw": gettext_lazy("draw an evaluation committee"),
    "committee.watch": gettext_lazy("watch committee draws and see who sits on a committee"),
    "evaluation.review": gettext_lazy("review and score bids as a committee member"),
    "evaluation.justify": gettext_lazy("justify an abnormally low price"),
    "candidate.object": gettext_lazy("object to the candidates of a tender"),
    "supervision.desk": gettext_lazy("use the supervision desk"),
    "question.ask": gettext_lazy("ask questions about tender documents"),
    "question.answer": gettext_lazy("answer questions about your tender documents"),
    "document_objection.file": gettext_lazy("object to tender documents"),
    "document_objection.answer": gettext_lazy("answer objections to your tender documents"),
    "complaint.file": gettext_lazy("complain to the supervising department"),
    "complaint.handle": gettext_lazy("accept, refuse and decide complaints, and suspend a procedure for one"),
    "complaint.read_all": gettext_lazy("read every complaint"),
    "contract.conclude": gettext_lazy("conclude a contract and publish its notice"),
    "contract.amend": gettext_lazy("amend a contract"),
    "contract.approve": gettext_lazy("approve or refuse the substitution of a project manager"),
    "contract.progress": gettext_lazy("record a contract's milestones, payments, completion, acceptance and final "
                                      "accounts"),
    "contract.rate": gettext_lazy("rate a contractor's performance"),
    "contract.check_in": gettext_lazy("check in on site as the project manager"),
    "contract.attendance": gettext_lazy("record a project manager's attendance on site"),
    "contract.subcontract": gettext_lazy("declare a subcontract"),
    "contract.watch": gettext_lazy("watch every contract's post-award checks"),
    "history.import": gettext_lazy("import bid history"),
    "credit.manage": gettext_lazy("record penalties and debarments on a firm's credit record"),
    "security.pay": gettext_lazy("declare how your bid security was paid"),
    "security.view": gettext_lazy("see the bid security register"),
    "security.confirm": gettext_lazy("confirm that bid security was received"),
    "security.refund": gettext_lazy("record the refund of bid security"),
    "security.forfeit": gettext_lazy("forfeit bid security on a statutory ground"),
    "bank.manage": gettext_lazy("register the banks that notify bid security payments"),
    "smallproject.file": gettext_lazy("file projects under the tendering threshold"),
    "integrity.feedback": gettext_lazy("answer your entity's integrity index in writing"),
}


def allowed(user, action):
    if action not in MATRIX:
        raise KeyError(f"unknown action {action!r}")
    return bool(user and user.is_authenticated and user.is_active and user.role in MATRIX[action])


def authorize(user, action):
    if not allowed(user, action):
        raise PermissionDenied(_("Your role may not %(action)s.") % {"action": ACTION_LABELS[action]})
