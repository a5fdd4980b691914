"""Words for the codes the evaluation stores: audit actions, automatic rejections, justification outcomes."""
from django.utils.translation import gettext_lazy as _

from trading.bids.opening.labels import choice_label as label  # noqa: F401  (a stored code's label, as the record's)

AUDIT_LABELS = {
    "evaluation.save_sheet": _("Evaluation sheet draft saved"),
    "evaluation.submit_sheet": _("Evaluation sheet signed"),
    "evaluation.ask_justification": _("Justification of a low price asked"),
    "evaluation.answer_justification": _("Justification of a low price answered"),
    "evaluation.open_attachment": _("Bid attachment opened by a committee member"),
    "evaluation.report": _("Evaluation report signed"),
    "evaluation.fail": _("Procedure failed: too few valid bids"),
    "evaluation.reopen": _("Evaluation reopened: the committee evaluates again"),
}

AUTOMATIC = {
    "above_ceiling": _("(by the platform: the price is above the ceiling)"),
    "no_justification": _("(by the platform: no justification within the time limit)"),
}

JUSTIFICATION_OUTCOMES = {
    "accepted": _("Accepted by the committee"),
    "rejected": _("Bid rejected by the committee"),
    "lapsed": _("Not answered in time"),
}
