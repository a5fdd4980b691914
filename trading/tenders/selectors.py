"""Reads that pages, the API and other apps share."""
from django.core.exceptions import PermissionDenied
from django.db.models import F, Q
from django.http import Http404
from django.utils.translation import gettext as _

from trading.accounts.permissions import allowed, authorize
from trading.accounts.roles import Role
from trading.audit import embargo as audit_embargo

from . import clock, lifecycle
from . import rules
from .models import (PROCEDURE_OF_PROJECT, DocumentDownload, ProcedurePolicy, ProcedureType, Project, Tender, TenderStatus)


NEWEST_FIRST = (F("published_at").desc(nulls_last=True), "-id")


def is_own(user, tender_or_project):
    """Is this the user's own project or tender (its entity's, or its agency's)?"""
    project = getattr(tender_or_project, "project", tender_or_project)
    org_id = getattr(user, "organisation_id", None)
    return bool(org_id) and org_id in (project.entity_id, project.agency_id)


def public_tenders():
    return (Tender.objects.filter(status__in=lifecycle.PUBLIC)
            .select_related("project", "project__entity"))


def own_tenders(user):
    if not getattr(user, "organisation_id", None):
        return Tender.objects.none()
    return Tender.objects.filter(Q(project__entity_id=user.organisation_id) | Q(project__agency_id=user.organisation_id))


def own_projects(user):
    if not allowed(user, "tender.create") or not user.organisation_id:
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


def accepting_bids(tender):
    return tender.status == TenderStatus.PUBLISHED and tender.deadline is not None and clock.now() < tender.deadline


def documents_on_offer(tender):
    now = clock.now()
    return (tender.status == TenderStatus.PUBLISHED and tender.documents_from is not None
            and tender.documents_from <= now and (tender.documents_until is None or now <= tender.documents_until))


def may_download_documents(user, tender):
    """May this user download this tender's documents now? One answer for the link, the page and the service.

    The entity always (its own), supervisors, discipline staff and administrators once published;
    anyone allowed to download while the documents are on offer; after the offer window only the
    organisations that fetched them while they were on offer (they are preparing bids).
    """
    if not allowed(user, "document.download"):
        return False
    if is_own(user, tender):
        return True
    if tender.status == TenderStatus.DRAFT:
        return False
    if internal_tenders(user).filter(pk=tender.pk).exists() or documents_on_offer(tender):
        return True
    return bool(tender.documents_until and clock.now() > tender.documents_until and user.organisation_id
                and DocumentDownload.objects.filter(document__tender=tender,
                                                    organisation_id=user.organisation_id).exists())


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


# --- procedure policy --------------------------------------------------------------------

def current_policy(procedure_type):
    """The policy in force now for a procedure type (rules.Policy)."""
    return ProcedurePolicy.objects.get(procedure_type=procedure_type).as_rules()


def tender_policy(tender):
    """The policy a tender runs under: the one stored at publication, or for a draft the one in force now."""
    if tender.policy:
        return rules.Policy.from_dict(tender.policy)
    return current_policy(tender.procedure_type)


def procedures_for(project):
    """Procedure types an entity may choose for a project: its own, and training where the platform enables it."""
    choices = [PROCEDURE_OF_PROJECT[project.project_type]]
    if ProcedurePolicy.objects.filter(procedure_type=ProcedureType.TRAINING, enabled=True).exists():
        choices.append(ProcedureType.TRAINING)
    return choices


def may_tender_again(tender):
    """A failed procedure, or one with failed lots, not yet tendered again."""
    return ((tender.status == TenderStatus.FAILED or tender.lots.filter(failed_at__isnull=False).exists())
            and not tender.retenders.exists())
