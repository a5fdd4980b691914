from django import forms
from django.utils.translation import gettext_lazy

from trading.tenders import rules

from .services import MAX_DECISION


class DebarmentForm(forms.Form):
    decision = forms.CharField(label=gettext_lazy("Decision (number and authority)"), max_length=MAX_DECISION)
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=rules.MAX_TEXT,
                             widget=forms.Textarea(attrs={"rows": 3}))
    starts_at = forms.DateTimeField(label=gettext_lazy("From"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    ends_at = forms.DateTimeField(label=gettext_lazy("Until"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))


class LiftForm(forms.Form):
    lifted_reason = forms.CharField(label=gettext_lazy("Why it is lifted"), max_length=rules.MAX_REASON)


class PenaltyForm(forms.Form):
    decision = forms.CharField(label=gettext_lazy("Decision (number and authority)"), max_length=MAX_DECISION)
    summary = forms.CharField(label=gettext_lazy("Penalty"), max_length=rules.MAX_REASON - MAX_DECISION - 10)
