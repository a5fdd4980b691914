from django import forms
from django.utils.translation import gettext_lazy

from trading.tenders.models import ProjectType


class SubscriptionForm(forms.Form):
    project_types = forms.MultipleChoiceField(label=gettext_lazy("Types (none: all)"), choices=ProjectType.choices,
                                              required=False, widget=forms.CheckboxSelectMultiple)
    regions = forms.CharField(label=gettext_lazy("Regions: division codes separated by spaces (none: all)"),
                              required=False, max_length=200)
    keywords = forms.CharField(label=gettext_lazy("Keywords (any of them)"), required=False, max_length=200)
    email = forms.BooleanField(label=gettext_lazy("Also send me e-mail"), required=False)

    def clean_regions(self):
        return self.cleaned_data["regions"].split()
