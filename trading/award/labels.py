"""What the award room's audit entries mean, in the reader's language (added to the log's labels at start-up)."""
from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "award.publish_notice": _("Candidate notice published"),
    "award.file_objection": _("Objection to the candidates filed"),
    "award.answer_objection": _("Objection to the candidates answered"),
    "award.award": _("Tender awarded"),
    "award.revoke": _("Award revoked"),
}
