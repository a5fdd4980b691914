"""Forms only shape input: the selectors clean the filters, the services the filings."""
from django import forms
from django.utils.translation import gettext_lazy as _

from trading.tenders.models import ProjectType

from .models import Method, SmallProjectType
from .selectors import GROUPS, HISTORY_CHOICES, entity_choices


class FilterForm(forms.Form):
    date_from = forms.CharField(label=_("Published from"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.CharField(label=_("Published until"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))
    region = forms.CharField(label=_("Region (administrative division code)"), required=False, max_length=6,
                             help_text=_("Six digits, e.g. 330100: characters 3 to 8 of the entity's credit code."))
    project_type = forms.ChoiceField(label=_("Procurement type"), required=False,
                                     choices=[("", _("All types"))] + list(ProjectType.choices))
    entity = forms.ChoiceField(label=_("Procuring entity"), required=False)
    history = forms.ChoiceField(label=_("Imported history tenders"), required=False, choices=HISTORY_CHOICES)
    group = forms.ChoiceField(label=_("Figures by"), required=False, choices=GROUPS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entity"].choices = [("", _("All entities"))] + [(str(pk), name) for pk, name in entity_choices()]


class SmallProjectForm(forms.Form):
    name = forms.CharField(label=_("Project"), max_length=200)
    project_type = forms.ChoiceField(label=_("Type"), choices=SmallProjectType.choices)
    amount = forms.CharField(label=_("Amount (yuan)"), max_length=30)
    method = forms.ChoiceField(label=_("Procurement method"), choices=Method.choices)
    decision_body = forms.CharField(label=_("Collective decision taken by"), max_length=200,
                                    help_text=_("e.g. the director's office meeting"))
    decision_reference = forms.CharField(label=_("Decision reference"), max_length=100)
    decision_date = forms.CharField(label=_("Decision date"), widget=forms.DateInput(attrs={"type": "date"}))
    supplier = forms.CharField(label=_("Supplier or contractor"), max_length=200, required=False)


class FeedbackForm(forms.Form):
    text = forms.CharField(label=_("Your entity's written feedback"), max_length=5000, widget=forms.Textarea)
