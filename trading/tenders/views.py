from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trading.accounts.caller import Caller
from trading.accounts.permissions import allowed, authorize

from . import lifecycle, rules, selectors, services
from .checkpoints import LABELS, supervised_tenders
from .filters import TenderFilter
from .forms import CancelForm, ClarificationForm, DocumentForm, ProjectForm, PublishForm, TenderForm, apply_errors
from .models import Project, TenderDocument, TenderStatus

PAGE_SIZE = 20
PROJECTS_PER_PAGE = 10


def tender_list(request):
    # A bad filter value is reported on its field and otherwise ignored.
    filters = TenderFilter(request.GET or None, queryset=selectors.public_tenders())
    tenders = filters.qs  # ordered by the filter: newest first unless a sort is chosen
    page = Paginator(tenders, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "tenders/list.html", {"form": filters.form, "page": page, "query": query.urlencode()})


def tender_detail(request, pk):
    tender = selectors.tender_for(request.user, pk)
    user = request.user
    own = allowed(user, "tender.edit") and selectors.is_own(user, tender)
    context = {
        "tender": tender, "own": own,
        "lots": tender.lots.all(),
        "documents": tender.documents.all(),
        "clarifications": tender.clarifications.all(),
        "history": tender.status_changes.all(),
        "on_offer": selectors.documents_on_offer(tender),
        "may_download": selectors.may_download_documents(user, tender),
        "accepting_bids": selectors.accepting_bids(tender),
        "may_bid": allowed(user, "bid.submit"),
        "may_see_downloads": allowed(user, "document.view_downloads") and lifecycle.bidding_over(tender),
        "after_opening": lifecycle.bidding_over(tender),
        "report_public": tender.status in (TenderStatus.AWARDED, TenderStatus.COMPLETE),
        "retenders": tender.retenders.all(),
        "may_retender": (allowed(user, "tender.create") and selectors.is_own(user, tender)
                         and selectors.may_tender_again(tender)),
    }
    return render(request, "tenders/detail.html", context)


@login_required
def document_download(request, pk):
    document = get_object_or_404(TenderDocument.objects.select_related("tender__project"), pk=pk)
    services.download_document(Caller.from_request(request), document)
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=document.filename)


@login_required
def tender_downloads(request, pk):
    tender = selectors.tender_for(request.user, pk)
    downloads = selectors.downloads_for(request.user, tender)
    return render(request, "tenders/downloads.html", {"tender": tender, "downloads": downloads})


@login_required
def checkpoints(request):
    authorize(request.user, "checkpoint.view")
    page = Paginator(supervised_tenders(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "tenders/checkpoints.html", {"page": page, "labels": LABELS})


# --- the procuring entity's desk -----------------------------------------------------

@login_required
def my_projects(request):
    authorize(request.user, "tender.create")
    form = ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.register_project(Caller.from_request(request), **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Project %(code)s registered.") % {"code": project.code})
            return redirect("tenders:my_projects")
    projects = selectors.own_projects(request.user)
    query = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    if query:
        projects = projects.filter(Q(code__icontains=query) | Q(name__icontains=query)
                                   | Q(tenders__reference__icontains=query) | Q(tenders__title__icontains=query)
                                   ).distinct()
    page = Paginator(projects.order_by("-created_at", "-id").prefetch_related("tenders"), PROJECTS_PER_PAGE
                     ).get_page(request.GET.get("page"))
    return render(request, "tenders/my_projects.html", {"form": form, "page": page, "q": query})


def _own_project(request, pk):
    authorize(request.user, "tender.create")
    project = get_object_or_404(Project, pk=pk)
    if not selectors.is_own(request.user, project):
        raise Http404(_("No such project."))
    return project


def _own_tender(request, pk):
    tender = selectors.tender_for(request.user, pk)
    authorize(request.user, "tender.edit")
    services.check_own(request.user, tender)
    return tender


@login_required
def tender_create(request, project_pk):
    project = _own_project(request, project_pk)
    form = TenderForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            tender = services.create_tender(Caller.from_request(request), project, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Draft tender %(ref)s created.") % {"ref": tender.reference})
            return redirect("tenders:manage", pk=tender.pk)
    return render(request, "tenders/tender_form.html", {"form": form, "project": project})


def _manage_context(request, tender, **forms):
    policy = selectors.tender_policy(tender)
    periods = rules.chosen_periods(policy, rules.entity_choices(tender))
    context = {
        "bidding_rule": policy.describe("bidding_period", periods["bidding_period"]),
        "offer_rule": policy.describe("document_offer", periods["document_offer"]),
        "tender": tender,
        "edit_form": TenderForm(initial=TenderForm.initial_from(tender), project=tender.project),
        "document_form": DocumentForm(),
        "publish_form": PublishForm(tender=tender),
        "clarification_form": ClarificationForm(),
        "cancel_form": CancelForm(),
        "documents": tender.documents.all(),
        "clarifications": tender.clarifications.all(),
        "is_draft": tender.status == TenderStatus.DRAFT,
        "bidding_open": selectors.accepting_bids(tender),
        "cancellable": TenderStatus.CANCELLED in lifecycle.TRANSITIONS[tender.status],
    }
    context.update(forms)
    return context


@login_required
def tender_manage(request, pk):
    tender = _own_tender(request, pk)
    return render(request, "tenders/manage.html", _manage_context(request, tender))


def _manage_post(request, pk, form_name, form, action, success):
    """Handle one of the manage page's forms: `form(tender)` binds it, `action` calls the service."""
    tender = _own_tender(request, pk)
    form = form(tender)
    if form.is_valid():
        try:
            action(Caller.from_request(request), tender, form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, success)
            return redirect(reverse("tenders:manage", args=[tender.pk]))
    tender.refresh_from_db()
    return render(request, "tenders/manage.html", _manage_context(request, tender, **{form_name: form}), status=400)


@login_required
@require_POST
def tender_edit(request, pk):
    return _manage_post(request, pk, "edit_form", lambda tender: TenderForm(request.POST, project=tender.project),
                        lambda caller, tender, data: services.update_tender(caller, tender, **data),
                        _("The draft is saved."))


@login_required
@require_POST
def document_upload(request, pk):
    return _manage_post(request, pk, "document_form", lambda tender: DocumentForm(request.POST, request.FILES),
                        lambda caller, tender, data: services.upload_document(caller, tender, data["title"],
                                                                              data["file"]),
                        _("The document is uploaded."))


@login_required
@require_POST
def tender_publish(request, pk):
    return _manage_post(request, pk, "publish_form", lambda tender: PublishForm(request.POST, tender=tender),
                        lambda caller, tender, data: services.publish_tender(
                            caller, tender, list(data["key_holders"]), data["threshold"]),
                        _("The tender is published."))


@login_required
@require_POST
def tender_clarify(request, pk):
    return _manage_post(request, pk, "clarification_form", lambda tender: ClarificationForm(request.POST),
                        lambda caller, tender, data: services.add_clarification(
                            caller, tender, data["text"], data["changes_conditions"], data["new_deadline"]),
                        _("The clarification is published."))


@login_required
@require_POST
def tender_cancel(request, pk):
    return _manage_post(request, pk, "cancel_form", lambda tender: CancelForm(request.POST),
                        lambda caller, tender, data: services.cancel_tender(caller, tender, data["reason"]),
                        _("The tender is cancelled."))


@login_required
@require_POST
def tender_retender(request, pk):
    tender = selectors.tender_for(request.user, pk)
    try:
        again = services.retender(Caller.from_request(request), tender)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("tenders:detail", pk=tender.pk)
    messages.success(request, _("A new draft tender %(reference)s is ready: add the documents, check the dates and "
                                "publish it.") % {"reference": again.reference})
    return redirect("tenders:manage", pk=again.pk)
