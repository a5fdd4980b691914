"""What the credit room's audit entries mean, in the reader's language (added to the log's labels at start-up)."""
from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "credit.note": _("Entry added to a firm's credit record"),
    "credit.debar": _("Firm debarred"),
    "credit.lift": _("Debarment lifted"),
}
