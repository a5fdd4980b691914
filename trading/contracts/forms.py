"""Forms of the contract room: they only shape input; the services check it and answer per field."""
from django import forms
from django.utils.translation import gettext_lazy

from trading.tenders import rules


def _text(label, rows=3, required=True):
    return forms.CharField(label=label, max_length=rules.MAX_TEXT, required=required,
                           widget=forms.Textarea(attrs={"rows": rows}))


class ConcludeForm(forms.Form):
    price = forms.CharField(label=gettext_lazy("Contract price"), max_length=30)
    price_reason = _text(gettext_lazy("Why the price differs from the award amount (only if it does)"), 2, False)
    project_manager = forms.CharField(label=gettext_lazy("Project manager"), max_length=100)
    manager_reason = _text(gettext_lazy("Why the project manager differs from the winning bid (only if it does)"), 2,
                           False)
    duration_days = forms.IntegerField(label=gettext_lazy("Duration (days)"), min_value=1, max_value=3650)
    scope = _text(gettext_lazy("Scope of works"))
    warranty_days = forms.IntegerField(label=gettext_lazy("Defect liability period (days)"), min_value=1,
                                       max_value=730)
    retention_amount = forms.CharField(label=gettext_lazy("Retention money (at most 3 percent of the price)"),
                                       max_length=30)
    subcontract_percent = forms.IntegerField(label=gettext_lazy("Subcontracting allowed, at most (%)"), min_value=0,
                                             max_value=100, initial=0)


class AmendForm(forms.Form):
    reason = _text(gettext_lazy("Reason for the change"))
    price = forms.CharField(label=gettext_lazy("New price (empty: unchanged)"), max_length=30, required=False)
    duration_days = forms.IntegerField(label=gettext_lazy("New duration in days (empty: unchanged)"), min_value=1,
                                       max_value=3650, required=False)
    scope = _text(gettext_lazy("New scope of works (empty: unchanged)"), 2, False)
    project_manager = forms.CharField(label=gettext_lazy("New project manager (empty: unchanged)"), max_length=100,
                                      required=False)


class DecisionForm(forms.Form):
    approve = forms.TypedChoiceField(label=gettext_lazy("Decision"), coerce=lambda v: v == "yes",
                                     choices=[("yes", gettext_lazy("Approve the substitution")),
                                              ("no", gettext_lazy("Refuse the substitution"))])
    note = _text(gettext_lazy("Note (required to refuse)"), 2, False)


class MilestoneForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Milestone reached"), max_length=rules.MAX_TITLE)
    note = _text(gettext_lazy("Note"), 2, False)


class PaymentForm(forms.Form):
    amount = forms.CharField(label=gettext_lazy("Amount paid"), max_length=30)
    reference = forms.CharField(label=gettext_lazy("Payment reference"), max_length=100)
    milestone = forms.IntegerField(label=gettext_lazy("For the milestone (optional)"), required=False,
                                   widget=forms.Select)


class NoteForm(forms.Form):
    note = _text(gettext_lazy("Note"), 2, False)


class AcceptForm(forms.Form):
    note = _text(gettext_lazy("Acceptance: who accepted and what was found"))


class SettleForm(forms.Form):
    final_amount = forms.CharField(label=gettext_lazy("Final accounts"), max_length=30)
    note = _text(gettext_lazy("Note (required above the contract price)"), 2, False)


class ReleaseForm(forms.Form):
    reference = forms.CharField(label=gettext_lazy("Payment reference of the retention money"), max_length=100)


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(label=gettext_lazy("Performance (1 poor - 5 excellent)"), coerce=int,
                                    choices=[(n, str(n)) for n in range(5, 0, -1)])
    note = forms.CharField(label=gettext_lazy("Summary for the credit record"), max_length=rules.MAX_REASON,
                           widget=forms.Textarea(attrs={"rows": 2}))


class CheckInForm(forms.Form):
    latitude = forms.CharField(label=gettext_lazy("Latitude"), max_length=20, required=False)
    longitude = forms.CharField(label=gettext_lazy("Longitude"), max_length=20, required=False)
    photo = forms.FileField(label=gettext_lazy("Photo on site"), required=False,
                            widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png",
                                                                   "capture": "environment"}))
    note = forms.CharField(label=gettext_lazy("Note"), max_length=rules.MAX_REASON, required=False)


class AttendanceForm(forms.Form):
    present = forms.TypedChoiceField(label=gettext_lazy("The project manager today"), coerce=lambda v: v == "yes",
                                     choices=[("yes", gettext_lazy("On site")), ("no", gettext_lazy("Not on site"))])
    note = forms.CharField(label=gettext_lazy("Note"), max_length=rules.MAX_REASON, required=False)


class SubcontractForm(forms.Form):
    subcontractor = forms.CharField(label=gettext_lazy("Subcontractor's unified social credit code"), max_length=40)
    scope = _text(gettext_lazy("Scope subcontracted"), 2)
    amount = forms.CharField(label=gettext_lazy("Amount"), max_length=30)
