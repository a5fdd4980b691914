"""The administrator keeps the expert pool here; every change lands in the audit log.

Committees are not registered: the administrator is not among those who may see who sits on one.
"""
from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from trading.accounts.admin import AuditedAdmin
from trading.accounts.models import User
from trading.accounts.permissions import allowed
from trading.accounts.roles import Role

from .models import DeclaredRelation, ExpertProfile, Speciality


class ExpertProfileForm(forms.ModelForm):
    specialities = forms.MultipleChoiceField(label=_("specialities"), choices=Speciality.choices,
                                             widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = ExpertProfile
        fields = ["user", "full_name", "region", "employer", "employer_name", "specialities", "status",
                  "on_leave_from", "on_leave_until"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(role=Role.EXPERT)
        self.fields["user"].label = _("user")
        self.fields["user"].help_text = _("A user account with the role “evaluation expert”.")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("on_leave_from"), cleaned.get("on_leave_until")
        if start and end and end < start:
            self.add_error("on_leave_until", _("This date is before the %(field)s date.") % {"field": _("leave start")})
        return cleaned


class RelationInline(admin.TabularInline):
    """Declared by the expert themself: shown, not edited."""

    model = DeclaredRelation
    verbose_name, verbose_name_plural = _("Declared relation"), _("Declared relations")
    fields = readonly_fields = ("organisation", "kind", "since", "until", "declared_at")
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return allowed(request.user, "expert.manage")


@admin.register(ExpertProfile)
class ExpertProfileAdmin(AuditedAdmin):
    form = ExpertProfileForm
    inlines = [RelationInline]
    list_display = ("full_name", "region", "employer_name", "status", "on_leave_from", "on_leave_until", "updated_at")
    list_filter = ("status",)
    search_fields = ("full_name", "employer_name", "user__username", "region")
    autocomplete_fields = ("employer",)

    def _may_manage(self, request):
        return allowed(request.user, "expert.manage")
