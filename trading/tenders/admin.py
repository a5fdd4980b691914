"""The administrator sets the statutory periods per procedure type; each change is audited.

The law bounds every real procedure (ProcedurePolicy.clean), so not even an administrator can
shorten a period below it. Tenders already published keep the policy stored with them.
"""
from django.contrib import admin

from trading.accounts.admin import AuditedAdmin
from trading.accounts.permissions import allowed

from .models import ProcedurePolicy
from .rules import PERIODS, THRESHOLD_NAMES


@admin.register(ProcedurePolicy)
class ProcedurePolicyAdmin(AuditedAdmin):
    list_display = ("procedure_type", "enabled", *(p.name for p in PERIODS), *THRESHOLD_NAMES, "updated_at")
    readonly_fields = ("procedure_type", "updated_at")
    fields = ("procedure_type", "enabled", *(p.name for p in PERIODS), *THRESHOLD_NAMES, "updated_at")

    def _may_manage(self, request):
        return allowed(request.user, "policy.manage")

    def has_add_permission(self, request):
        return False  # one row per procedure type, made by the migration
