"""What each kind of notification says, written when it is read (in the reader's language) or mailed (in every
language of the platform, Chinese first)."""
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Kind

TEXTS = {
    Kind.TENDER_PUBLISHED: (gettext_lazy("New tender: %(title)s"),
                            gettext_lazy("%(entity)s published tender %(reference)s, %(title)s; bids until %(deadline)s.")),
    Kind.CLARIFICATION: (gettext_lazy("Clarification of %(reference)s"),
                         gettext_lazy("The entity published a clarification of tender %(reference)s, %(title)s.")),
    Kind.RECONFIRM: (gettext_lazy("Confirm your bid for %(reference)s again"),
                     gettext_lazy("The conditions of tender %(reference)s changed: your bid counts only once you "
                                  "confirm it again, before %(deadline)s.")),
    Kind.OPENING_SOON: (gettext_lazy("Opening of %(reference)s at %(deadline)s"),
                        gettext_lazy("Bidding for %(reference)s, %(title)s, closes and the live opening starts at "
                                     "%(deadline)s.")),
    Kind.OBJECTION_ANSWERED: (gettext_lazy("Your objection on %(reference)s was answered"),
                              gettext_lazy("The entity answered your objection on tender %(reference)s: %(decision)s.")),
    Kind.CANDIDATE_NOTICE: (gettext_lazy("Candidates of %(reference)s published"),
                            gettext_lazy("The candidate notice of tender %(reference)s is published; objections until "
                                         "%(closes)s.")),
    Kind.AWARD: (gettext_lazy("Result of %(reference)s"),
                 gettext_lazy("Tender %(reference)s is awarded to %(winner)s for %(amount)s.")),
    Kind.COMPLAINT_DECIDED: (gettext_lazy("Complaint on %(reference)s decided"),
                             gettext_lazy("The supervising department decided the complaint on tender %(reference)s: "
                                          "%(decision)s.")),
    Kind.CHECKPOINT: (gettext_lazy("Checkpoint %(state)s: %(reference)s"),
                      gettext_lazy("%(label)s of tender %(reference)s is %(state)s: %(reason)s")),
    Kind.ALARM: (gettext_lazy("ALARM at the opening of %(reference)s"),
                 gettext_lazy("A step of the opening of tender %(reference)s is %(minutes)s minutes over its time "
                              "limit.")),
    Kind.INTEGRITY: (gettext_lazy("ALARM at the opening of %(reference)s: a sealed bid does not match its receipt"),
                     gettext_lazy("The sealed bid of %(bidder)s on tender %(reference)s was set aside before "
                                  "decryption: %(reason)s")),
}


DECISIONS = {"upheld": gettext_lazy("upheld"), "dismissed": gettext_lazy("dismissed"),
             "refused": gettext_lazy("refused")}
STATES = {"yellow": gettext_lazy("yellow"), "red": gettext_lazy("red")}


def _localised(params):
    """Stored codes put into the reader's words."""
    from trading.tenders.checkpoints import LABELS

    out = dict(params)
    if "decision" in out:
        out["decision"] = str(DECISIONS.get(out["decision"], out["decision"]))
    if "state" in out:
        out["state"] = str(STATES.get(out["state"], out["state"]))
    if "code" in out:
        out["label"] = str(LABELS.get(out["code"], out["code"]))
    return out


def _fill(text, params):
    try:
        return str(text) % _localised(params)
    except (KeyError, TypeError, ValueError):
        return str(text)


def subject(notification):
    return _fill(TEXTS[notification.kind][0], notification.params)


def body(notification):
    return _fill(TEXTS[notification.kind][1], notification.params)


def email(notification, site_url):
    """(subject, body) of the e-mail: every platform language, Chinese first."""
    subjects, bodies = [], []
    for code, _name in sorted(settings.LANGUAGES, key=lambda item: not item[0].startswith("zh")):
        with translation.override(code):
            subjects.append(subject(notification))
            bodies.append(body(notification))
    link = f"{site_url}{notification.url}" if notification.url else ""
    return " / ".join(dict.fromkeys(subjects)), "\n\n".join(bodies + ([link] if link else [])) + "\n\n" + _(
        "Sunlight public resource trading platform")
