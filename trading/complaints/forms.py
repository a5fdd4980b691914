from django import forms
from django.utils.translation import gettext_lazy

from trading.tenders import rules

from .models import Decision, Remedy, Subject

NONE = [("", "—")]


class QuestionForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Your question about the documents (published with the answer, "
                                              "without your name)"),
                           max_length=rules.MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3}))


class QuestionAnswerForm(forms.Form):
    answer = forms.CharField(label=gettext_lazy("Answer (published as a clarification)"), max_length=rules.MAX_TEXT,
                             widget=forms.Textarea(attrs={"rows": 3}))
    changes_conditions = forms.BooleanField(label=gettext_lazy("The answer changes the conditions"), required=False)


class ObjectionForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Your objection to the documents, with the facts it rests on"),
                           max_length=rules.MAX_TEXT, widget=forms.Textarea(attrs={"rows": 4}))


class ObjectionAnswerForm(forms.Form):
    answer = forms.CharField(label=gettext_lazy("Answer (published as a clarification)"), max_length=rules.MAX_TEXT,
                             widget=forms.Textarea(attrs={"rows": 3}))
    upheld = forms.TypedChoiceField(label=gettext_lazy("Decision"), coerce=lambda v: v == "yes",
                                    choices=NONE + [("yes", gettext_lazy("Upheld")),
                                                    ("no", gettext_lazy("Dismissed"))])
    changes_conditions = forms.BooleanField(label=gettext_lazy("The documents change"), required=False)


class ComplaintForm(forms.Form):
    subject = forms.ChoiceField(label=gettext_lazy("About"), choices=NONE + Subject.choices)
    known_at = forms.DateTimeField(label=gettext_lazy("When you knew of it"),
                                   widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                              format="%Y-%m-%dT%H:%M"))
    against = forms.TypedChoiceField(label=gettext_lazy("Firm complained about (optional)"), coerce=int,
                                     required=False, empty_value=None, choices=NONE)
    text = forms.CharField(label=gettext_lazy("Your complaint, with the facts and the rule broken"),
                           max_length=rules.MAX_TEXT, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, firms=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["against"].choices = NONE + [(firm.pk, firm.name) for firm in firms]


class AcceptForm(forms.Form):
    suspend = forms.BooleanField(label=gettext_lazy("Suspend the procedure while the complaint is reviewed"),
                                 required=False)
    reason = forms.CharField(label=gettext_lazy("Why the procedure is suspended"), max_length=rules.MAX_REASON,
                             required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=rules.MAX_TEXT,
                             widget=forms.Textarea(attrs={"rows": 2}))


class DecideForm(forms.Form):
    decision = forms.ChoiceField(label=gettext_lazy("Decision"), choices=NONE + Decision.choices)
    remedy = forms.ChoiceField(label=gettext_lazy("Remedy (when upheld)"), choices=NONE + Remedy.choices,
                               required=False)
    ruling = forms.CharField(label=gettext_lazy("Ruling, with its grounds (published)"), max_length=rules.MAX_TEXT,
                             widget=forms.Textarea(attrs={"rows": 4}))
