"""What the publication app's audit entries mean, in the reader's language."""
from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "publication.file_small_project": _("Project under the tendering threshold filed"),
    "publication.write_feedback": _("Entity's written feedback on its integrity index"),
}
