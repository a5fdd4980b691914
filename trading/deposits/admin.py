"""The administrator registers the banks whose signed notifications confirm bid security (audited)."""
from django.contrib import admin

from trading.accounts.admin import AuditedAdmin
from trading.accounts.permissions import allowed

from .models import Bank


@admin.register(Bank)
class BankAdmin(AuditedAdmin):
    list_display = ("code", "name", "active")
    fields = ("code", "name", "public_key", "active")

    def _may_manage(self, request):
        return allowed(request.user, "bank.manage")
