"""The opening record as data: the signed body with the published ciphertexts, for independent checking.

The record page and its PDF are in trading/realtime/views.py; this serves the same record to the same
readers (everyone for a public tender) once it is published.
"""
import re

from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.utils.translation import gettext as _

from . import selectors


def record_bundle(request, tender_id):
    tender = selectors.tender_or_404(tender_id)
    if selectors.viewer(request.user, tender) is None:
        raise PermissionDenied(_("This opening is not public; only its officials and bidders may watch it."))
    opening_record = selectors.published_record(tender)
    response = JsonResponse(selectors.record_bundle(opening_record), json_dumps_params={"ensure_ascii": False})
    name = re.sub(r"[^A-Za-z0-9._-]", "_", tender.reference)
    response["Content-Disposition"] = f'attachment; filename="opening-record-{name}.json"'
    return response
