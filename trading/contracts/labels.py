"""What the contract room's audit entries mean, in the reader's language (added to the log's labels at start-up)."""
from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "contracts.conclude": _("Contract concluded and its notice published"),
    "contracts.amend": _("Contract amended"),
    "contracts.decide_amendment": _("Substitution of the project manager decided"),
    "contracts.milestone": _("Contract milestone recorded"),
    "contracts.payment": _("Contract payment recorded"),
    "contracts.complete": _("Works completed"),
    "contracts.accept": _("Works accepted"),
    "contracts.settle": _("Final accounts agreed"),
    "contracts.release_retention": _("Retention money released"),
    "contracts.rate": _("Contractor's performance rated"),
    "contracts.attendance": _("Project manager's attendance recorded"),
    "contracts.subcontract": _("Subcontract declared"),
}
