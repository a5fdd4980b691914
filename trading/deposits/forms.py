from django import forms
from django.utils.translation import gettext_lazy

from trading.tenders import rules

from .models import ForfeitGround

NONE = [("", "—")]


class DeclareForm(forms.Form):
    paying_account = forms.CharField(label=gettext_lazy("Paying bank account"), max_length=64)
    paying_bank = forms.CharField(label=gettext_lazy("Paying bank"), max_length=rules.MAX_TITLE, required=False)
    reference = forms.CharField(label=gettext_lazy("Transfer reference"), max_length=100)


class ConfirmForm(forms.Form):
    received_at = forms.DateTimeField(label=gettext_lazy("Money received (bank statement)"),
                                      widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    amount = forms.DecimalField(label=gettext_lazy("Amount received"), max_digits=16, decimal_places=2, min_value=0)
    paying_account = forms.CharField(label=gettext_lazy("Paying account on the statement (if not the declared one)"),
                                     max_length=64, required=False)


class RefundForm(forms.Form):
    refund_reference = forms.CharField(label=gettext_lazy("Refund transfer reference"), max_length=100)


class ForfeitForm(forms.Form):
    ground = forms.ChoiceField(label=gettext_lazy("Statutory ground"), choices=NONE + ForfeitGround.choices)
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=rules.MAX_TEXT,
                             widget=forms.Textarea(attrs={"rows": 2}))
