from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from trading import platform_key
from trading.accounts.permissions import authorize

from .models import AuditCheckpoint
from .selectors import verify_chain, visible_entries


@login_required
def audit_log(request):
    authorize(request.user, "audit.view")
    page = Paginator(visible_entries().order_by("-seq"), 50).get_page(request.GET.get("page"))
    problems = verify_chain() if request.GET.get("verify") else None
    return render(request, "audit/log.html", {"page": page, "problems": problems})


def checkpoint_list(request):
    """The signed checkpoints, public: keep a copy, and `audit verify --checkpoints` proves the log unchanged."""
    page = Paginator(AuditCheckpoint.objects.order_by("-size"), 50).get_page(request.GET.get("page"))
    return render(request, "audit/checkpoints.html", {"page": page, "key": platform_key.key_info()})
