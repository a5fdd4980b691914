from django import forms
from django.utils.translation import gettext_lazy

from trading.tenders import rules

from .models import Decision, PassOver, Remedy

NONE = [("", "—")]


class ObjectionForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Your objection, with the facts it rests on"), max_length=rules.MAX_TEXT,
                           widget=forms.Textarea(attrs={"rows": 5}))
    lot = forms.IntegerField(label=gettext_lazy("Lot (empty: the whole tender)"), required=False, min_value=1)


class AnswerForm(forms.Form):
    answer = forms.CharField(label=gettext_lazy("Answer"), max_length=rules.MAX_TEXT,
                             widget=forms.Textarea(attrs={"rows": 4}))
    decision = forms.ChoiceField(label=gettext_lazy("Decision"), choices=NONE + Decision.choices)
    remedy = forms.ChoiceField(label=gettext_lazy("Remedy (when upheld)"), choices=NONE + Remedy.choices,
                               required=False)


class AwardForm(forms.Form):
    bid = forms.IntegerField(widget=forms.HiddenInput)
    pass_over = forms.ChoiceField(label=gettext_lazy("Higher-ranked candidates passed over because"),
                                  choices=NONE + PassOver.choices, required=False)
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=rules.MAX_TEXT, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


class RevokeForm(forms.Form):
    because = forms.ChoiceField(label=gettext_lazy("Revoked because"), choices=NONE + PassOver.choices)
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=rules.MAX_TEXT,
                             widget=forms.Textarea(attrs={"rows": 2}))
