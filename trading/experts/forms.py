"""Forms shape input for the services; the services check it and answer per field."""
from django import forms
from django.utils.translation import gettext_lazy as _

from trading.accounts.models import User
from trading.accounts.roles import Role

from .models import RelationKind, Speciality
from .services import MAX_REASON


class Day(forms.DateField):
    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AvailabilityForm(forms.Form):
    on_leave_from = Day(label=_("On leave from"), required=False)
    on_leave_until = Day(label=_("On leave until"), required=False)


class RelationForm(forms.Form):
    credit_code = forms.CharField(label=_("Organisation's unified social credit code"), max_length=18)
    kind = forms.ChoiceField(label=_("Relation"), choices=RelationKind.choices)
    since = Day(label=_("Since"), required=False)
    until = Day(label=_("Until (empty: still)"), required=False)


class EndRelationForm(forms.Form):
    until = Day(label=_("Ended on"))


class DrawForm(forms.Form):
    specialities = forms.MultipleChoiceField(label=_("Required specialities"), choices=Speciality.choices,
                                             widget=forms.CheckboxSelectMultiple)
    representative = forms.ModelChoiceField(label=_("Our representative on the committee (optional)"),
                                            queryset=User.objects.none(), required=False)

    def __init__(self, *args, tender, **kwargs):
        super().__init__(*args, **kwargs)
        project = tender.project
        self.fields["representative"].queryset = User.objects.filter(
            role=Role.ENTITY, is_active=True, organisation_id__in=[project.entity_id, project.agency_id]
        ).order_by("username")


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=MAX_REASON, widget=forms.Textarea(attrs={"rows": 2}))


class DeclarationForm(forms.Form):
    conflict = forms.TypedChoiceField(
        label=_("Declaration"), widget=forms.RadioSelect, coerce=lambda v: v == "yes",
        choices=[("no", _("I have no conflict of interest with the procuring entity or any bidder of this tender.")),
                 ("yes", _("I have a conflict of interest and withdraw from this committee."))])
    statement = forms.CharField(label=_("The conflict (required if you declare one)"), max_length=MAX_REASON,
                                required=False, widget=forms.Textarea(attrs={"rows": 2}))
