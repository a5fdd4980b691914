"""What the experts app's audit entries mean, in the reader's language (added to the log's labels at start-up)."""
from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "experts.commit_draw": _("Committee draw commitment published"),
    "experts.update_availability": _("Expert changed their availability"),
    "experts.declare_relation": _("Expert declared a relation to an organisation"),
    "experts.end_relation": _("Expert ended a declared relation"),
    "experts.draw_committee": _("Evaluation committee drawn"),
    "experts.redraw": _("Committee seat drawn again"),
    "experts.declare_no_conflict": _("Expert declared no conflict of interest"),
    "experts.declare_conflict": _("Expert declared a conflict of interest and was recused"),
    "experts.decline": _("Expert declined a committee seat"),
    "experts.absent": _("Expert absent from the committee"),
}
