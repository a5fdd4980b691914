"""Reads that pages, the API and other apps share."""
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from trading.accounts.permissions import allowed, authorize
from trading.accounts.roles import Role
from trading.audit import embargo as audit_embargo

from . import clock, lifecycle
from .models import DocumentDownload, Project, ProjectType, Tender, TenderStatus


def public_tenders():
    return (Tender.objects.filter(status__in=lifecycle.PUBLIC)
            .select_related("project", "project__entity"))


def own_tenders(user):
    if not getattr(user, "organisation_id", None):
        return Tender.objects.none()
    return Tender.objects.filter(Q(project__entity_id=user.organisation_id) | Q(project__agency_id=user.organisation_id))


def own_projects(user):
    if user.role != Role.ENTITY or not user.organisation_id:
        return Project.objects.none()
    return (Project.objects.filter(Q(entity_id=user.organisation_id) | Q(agency_id=user.organisation_id))
            .prefetch_related("tenders").order_by("-created_at", "-id"))


def internal_tenders(user):
    """Tenders a user may watch from the inside: the entity its own, supervisors and others all."""
    if not allowed(user, "tender.view_internal"):
        return Tender.objects.none()
    if user.role == Role.ENTITY:
        return own_tenders(user)
    return Tender.objects.all()


def visible_tenders(user):
    """Public tenders plus, for an entity, its own drafts."""
    qs = Tender.objects.filter(status__in=lifecycle.PUBLIC)
    if getattr(user, "is_authenticated", False) and user.role == Role.ENTITY:
        qs = Tender.objects.filter(Q(status__in=lifecycle.PUBLIC) | Q(pk__in=own_tenders(user).values("pk")))
    return qs.select_related("project", "project__entity")


def tender_for(user, pk):
    try:
        return visible_tenders(user).get(pk=int(pk))
    except (Tender.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404(_("No such tender.")) from None


def filter_tenders(qs, params):
    """Search and filters of the public list; unknown or malformed values are ignored."""
    # NUL cannot be stored or searched in PostgreSQL text; no title contains one anyway.
    q = (params.get("q") or "").replace("\x00", "").strip()
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(reference__icontains=q) | Q(project__name__icontains=q))
    if params.get("type") in ProjectType.values:
        qs = qs.filter(project__project_type=params["type"])
    if params.get("status") in TenderStatus.values:
        qs = qs.filter(status=params["status"])
    entity = params.get("entity")
    if entity and str(entity).isascii() and str(entity).isdigit() and len(str(entity)) <= 18:
        qs = qs.filter(project__entity_id=int(entity))
    for name, lookup in (("min_amount", "ceiling_price__gte"), ("max_amount", "ceiling_price__lte")):
        value = params.get(name)
        if value:
            try:
                amount = Decimal(str(value))
            except InvalidOperation:
                continue
            if amount.is_finite() and abs(amount) < Decimal(10) ** 15:
                qs = qs.filter(**{lookup: amount})
    return qs


def accepting_bids(tender):
    return tender.status == TenderStatus.PUBLISHED and tender.deadline is not None and clock.now() < tender.deadline


def documents_on_offer(tender):
    now = clock.now()
    return (tender.status == TenderStatus.PUBLISHED and tender.documents_from is not None
            and tender.documents_from <= now and (tender.documents_until is None or now <= tender.documents_until))


def downloads_for(user, tender):
    """Who downloaded the documents: supervisors and discipline staff only, and only after the opening."""
    authorize(user, "document.view_downloads")
    if not lifecycle.bidding_over(tender):
        raise PermissionDenied(_("Who downloaded the documents stays secret until the opening."))
    return (DocumentDownload.objects.filter(document__tender=tender)
            .select_related("document", "user", "organisation").order_by("at", "id"))


def sealed_tender_embargoes():
    """Audit embargo keys of tenders whose bidders are still secret (bidding not over)."""
    ended = Q(opened_at__isnull=False) | Q(status__in=lifecycle.TERMINAL)
    return [audit_embargo.key("tender", pk) for pk in Tender.objects.exclude(ended).values_list("pk", flat=True)]
