"""The opening hall pages; the live part runs over ws/opening/<tender_id>/ (consumers.py)."""
import io

from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from trading.bids.opening import selectors
from trading.bids.opening.labels import readable_record
from trading.bids.opening.record import with_local_times
from trading.bids.opening.record import render_pdf as record_pdf_of

from .labels import event_labels, state_labels


def _viewer_or_403(request, tender_id):
    tender = selectors.tender_or_404(tender_id)
    viewer = selectors.viewer(request.user, tender)
    if viewer is None:
        raise PermissionDenied(_("This opening is not public; only its officials and bidders may watch it."))
    return tender, viewer


def _hall(request, tender_id, template):
    tender, viewer = _viewer_or_403(request, tender_id)
    initial = selectors.state(tender, viewer, request.user)
    return render(request, template, {
        "tender": tender, "viewer": viewer, "initial": initial,
        "labels": {"events": event_labels(), "states": state_labels()},
        "ws_path": f"/ws/opening/{tender.pk}/",
    })


def hall(request, tender_id):
    return _hall(request, tender_id, "realtime/hall.html")


def supervise(request, tender_id):
    tender, viewer = _viewer_or_403(request, tender_id)
    if viewer["kind"] != "official":
        raise PermissionDenied(_("The supervision view is for the host, supervisors and discipline staff."))
    return _hall(request, tender_id, "realtime/supervise.html")


def record(request, tender_id):
    tender, _viewer = _viewer_or_403(request, tender_id)
    opening_record = selectors.published_record(tender)
    return render(request, "realtime/record.html", {"tender": tender, "record": opening_record,
                                                    "body": readable_record(with_local_times(opening_record.body))})


def record_pdf(request, tender_id):
    tender, _viewer = _viewer_or_403(request, tender_id)
    opening_record = selectors.published_record(tender)
    # Drawn from the signed body in the reader's language (the stored PDF is in the language of whoever closed it).
    return FileResponse(io.BytesIO(record_pdf_of(opening_record.body)), content_type="application/pdf",
                        filename=f"opening-record-{tender.reference}.pdf")
