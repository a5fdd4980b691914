"""What each recorded action means, in the reader's language; the log itself keeps the action codes."""
from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "accounts.register_contractor": _("Contractor registered"),
    "accounts.register_organisation": _("Organisation registered"),
    "accounts.register_holder_key": _("Key-share holder registered a personal key"),
    "accounts.invite_member": _("Organisation's manager invited a user"),
    "accounts.request_role_change": _("Administrator asked to change a role or membership"),
    "accounts.decide_role_change": _("Second administrator decided a role or membership change"),
    "tenders.register_project": _("Project registered"),
    "tenders.create_tender": _("Tender created"),
    "tenders.update_tender": _("Tender edited"),
    "tenders.publish_tender": _("Tender published"),
    "tenders.upload_document": _("Tender document uploaded"),
    "tenders.add_clarification": _("Clarification issued"),
    "tenders.transition": _("Tender status changed"),
    "tenders.checkpoint": _("Checkpoint state changed"),
    "tenders.record_award": _("Award recorded"),
    "tenders.retender": _("Failed procedure tendered again"),
    "bids.submit": _("Bid submitted"),
    "bids.confirm": _("Bid confirmed after a change"),
    "bids.withdraw": _("Bid withdrawn"),
    "bids.open": _("Bids opened"),
    "opening.open_room": _("Opening hall opened"),
    "opening.sign_in": _("Bidder signed in"),
    "opening.sign_in_closed": _("Sign-in closed"),
    "opening.present_share": _("Key share presented"),
    "opening.decrypt": _("Bids decrypted"),
    "opening.announce": _("Bid announced"),
    "opening.announce_ceiling": _("Ceiling price announced"),
    "opening.confirm": _("Bidder confirmed the announced bids"),
    "opening.object": _("Objection raised"),
    "opening.answer": _("Objection answered"),
    "opening.pause": _("Opening paused"),
    "opening.resume": _("Opening resumed"),
    "opening.alarm": _("Time limit overrun alarm"),
    "opening.close": _("Opening closed and record published"),
    "opening.fail": _("Procedure failed at the opening"),
    "history.import": _("Past bids imported"),
    "collusion.report": _("Collusion report stored"),
    "collusion.case_open": _("Case opened"),
    "collusion.case_note": _("Case note added"),
    "collusion.case_status": _("Case status changed"),
}


# accounts.services.record_admin_change writes accounts.admin_<verb>_<model>
ADMIN_ACTION_LABELS = {
    "accounts.admin_add_": _("Added in the administration site"),
    "accounts.admin_change_": _("Changed in the administration site"),
}


def register(labels):
    """An app above audit names its own actions here (audit never imports the apps that record into it)."""
    ACTION_LABELS.update(labels)


def action_label(action):
    label = ACTION_LABELS.get(action)
    if label is None:
        label = next((v for prefix, v in ADMIN_ACTION_LABELS.items() if action.startswith(prefix)), action)
    return str(label)
