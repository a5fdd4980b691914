"""The permission matrix: which role may perform which action.

Services call `authorize` before any write or sensitive read, so the rule holds
for pages, the API, websockets and commands alike. Object-level rules (own
organisation, own bid, timing) are checked by the service after this.
"""
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from .roles import Role

C, E, S, D, X, A = Role.CONTRACTOR, Role.ENTITY, Role.SUPERVISOR, Role.DISCIPLINE, Role.EXPERT, Role.ADMIN

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
    "history.import": {A},
}


def allowed(user, action):
    if action not in MATRIX:
        raise KeyError(f"unknown action {action!r}")
    return bool(user and user.is_authenticated and user.is_active and user.role in MATRIX[action])


def authorize(user, action):
    if not allowed(user, action):
        raise PermissionDenied(_("Your role may not do this: %(action)s.") % {"action": action})
