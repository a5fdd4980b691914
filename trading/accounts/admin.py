"""Administrators manage organisations and users here; every change lands in the audit log.

Nothing about bids is registered: administrators must not read sealed bids.
Nothing is deleted either: users are deactivated, organisations stay for the record.
"""
from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.utils.translation import gettext_lazy as _

from .caller import Caller
from .models import Organisation, RoleChange, User
from .permissions import allowed
from .roles import Role
from .services import ROLE_KINDS, record_admin_change

# Roles an administrator may give a new account directly: those that belong to no organisation.
# People of an organisation are invited by its own manager; nobody is put into or moved between
# organisations here, and a role change waits for a second administrator (RoleChange).
UNATTACHED_ROLES = [choice for choice in Role.choices if None in ROLE_KINDS.get(Role(choice[0]), ())]


class UnattachedUserCreationForm(AdminUserCreationForm):
    role = forms.ChoiceField(label=_("role"), choices=UNATTACHED_ROLES)

    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "role")


class AuditedAdmin(admin.ModelAdmin):
    """Permissions from the role matrix, not Django's per-model permissions; every save audited."""

    def _may_manage(self, request):
        return allowed(request.user, "organisation.manage")

    def has_module_permission(self, request):
        return self._may_manage(request)

    def has_view_permission(self, request, obj=None):
        return self._may_manage(request)

    def has_add_permission(self, request):
        return self._may_manage(request)

    def has_change_permission(self, request, obj=None):
        return self._may_manage(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        request.audit_changes = {name: str(form.cleaned_data.get(name)) for name in form.changed_data
                                 if "password" not in name}

    def log_addition(self, request, obj, message):
        record_admin_change(Caller.from_request(request), obj, "add", getattr(request, "audit_changes", {}))
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        # A password change has no saved form fields; say so instead of showing the hash.
        changes = getattr(request, "audit_changes", None) or {"password": "changed"}
        record_admin_change(Caller.from_request(request), obj, "change", changes)
        return super().log_change(request, obj, message)


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ("name", "kind", "credit_code", "legal_representative", "phone", "created")
    list_filter = ("kind",)
    search_fields = ("name", "credit_code", "legal_representative", "external_ref")
    readonly_fields = ("external_ref", "created")

    @admin.display(description=_("created"), ordering="created_at")
    def created(self, obj):
        return obj.created_at or "—"


@admin.register(User)
class SunlightUserAdmin(AuditedAdmin, UserAdmin):
    list_display = ("username", "full_name", "role", "organisation", "is_active", "last_login")
    list_filter = ("role", "is_active")
    search_fields = ("username", "first_name", "last_name", "email", "organisation__name")
    autocomplete_fields = ("organisation",)
    readonly_fields = ("last_login", "date_joined")
    # No superuser, groups or per-model permissions: the role decides what a user may do.
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("first_name", "last_name", "email")}),
        (_("Role"), {"fields": ("role", "organisation", "manages_organisation", "is_active")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_form = UnattachedUserCreationForm
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "password1", "password2", "role")}),
    )

    def get_readonly_fields(self, request, obj=None):
        # Role and membership change only through a RoleChange a second administrator approves.
        fields = super().get_readonly_fields(request, obj)
        return (*fields, "role", "organisation", "manages_organisation") if obj is not None else fields

    @admin.display(description=_("full name"))
    def full_name(self, obj):
        return obj.get_full_name()

    def save_model(self, request, obj, form, change):
        if not change:
            obj.organisation = None  # whatever was posted: an administrator puts nobody into an organisation
            obj.manages_organisation = False
        obj.is_staff = allowed(obj, "organisation.manage")  # the admin site's door follows the matrix
        obj.is_superuser = False
        super().save_model(request, obj, form, change)


class ShownToManagersOnly(admin.ModelAdmin):
    """Listed for those who manage organisations; nobody adds or edits here (the audited services do)."""

    def has_module_permission(self, request):
        return allowed(request.user, "organisation.manage")

    def has_view_permission(self, request, obj=None):
        return allowed(request.user, "organisation.manage")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RoleChange)
class RoleChangeAdmin(ShownToManagersOnly):
    """Read-only here: changes are asked and decided on the role changes page, by two administrators."""

    list_display = ("user", "old_role", "new_role", "leaves_organisation", "status", "requested_by", "decided_by")
    list_filter = ("status",)


# --- API tokens: the administrator sees who holds tokens until when, and revokes them ------------------

from django.apps import apps as django_apps
from knox.models import AuthToken

from . import tokens

if admin.site.is_registered(AuthToken):
    admin.site.unregister(AuthToken)  # knox's own admin shows digests and creates tokens; ours only revokes

# knox names its app and model in English only ("Knox", "auth token"): the admin shows ours, in the reader's
# language. Display names only (Meta's declared options, which migrations read, stay as knox wrote them).
AuthToken._meta.verbose_name = _("API token")
AuthToken._meta.verbose_name_plural = _("API tokens")
django_apps.get_app_config(AuthToken._meta.app_label).verbose_name = _("API tokens")


@admin.register(AuthToken)
class ApiTokenAdmin(ShownToManagersOnly):
    """Read-only list of API tokens (only digests are stored; nobody can read a token back); delete revokes."""

    list_display = ("user", "token_key", "created", "expiry")
    search_fields = ("user__username", "token_key")
    readonly_fields = ("user", "token_key", "created", "expiry")
    fields = readonly_fields
    actions = ["revoke"]

    def has_delete_permission(self, request, obj=None):
        return allowed(request.user, "organisation.manage")

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # revoking goes through the audited service
        return actions

    @admin.action(description=_("Revoke the selected API tokens"))
    def revoke(self, request, queryset):
        for token in queryset.select_related("user"):
            tokens.revoke_token(Caller.from_request(request), token)

    def delete_model(self, request, obj):
        tokens.revoke_token(Caller.from_request(request), obj)


@admin.action(description=_("Revoke every API token of the selected users"))
def revoke_api_tokens(modeladmin, request, queryset):
    for user in queryset:
        tokens.revoke_all_tokens(Caller.from_request(request), user, "revoked by the administrator")


SunlightUserAdmin.actions = [*(SunlightUserAdmin.actions or []), revoke_api_tokens]
