"""What the complaints room's audit entries mean, in the reader's language (added to the log's labels at start-up)."""
from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "complaints.ask_question": _("Question about the tender documents asked"),
    "complaints.answer_question": _("Question about the tender documents answered"),
    "complaints.file_objection": _("Objection to the tender documents filed"),
    "complaints.answer_objection": _("Objection to the tender documents answered"),
    "complaints.deadline_moved": _("Bid deadline moved: an objection to the documents holds the procedure"),
    "complaints.file_complaint": _("Complaint filed with the supervising department"),
    "complaints.accept": _("Complaint accepted"),
    "complaints.refuse": _("Complaint refused"),
    "complaints.suspend": _("Procedure suspended by a complaint"),
    "complaints.release": _("Suspension by a complaint lifted"),
    "complaints.decide": _("Complaint decided"),
    "complaints.cancel_award": _("Award cancelled by a complaint decision"),
}
