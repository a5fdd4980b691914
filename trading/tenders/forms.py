from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trading.accounts.models import User
from trading.accounts.roles import Role

from . import rules, selectors
from .models import EvaluationMethod, ProcedureType, ProjectType


def amount_field(label, required=True):
    return forms.DecimalField(label=label, required=required, min_value=Decimal("0"),
                              max_value=settings.SUNLIGHT["MAX_AMOUNT"], max_digits=16, decimal_places=2)


class Moment(forms.DateTimeField):
    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def apply_errors(form, error):
    """Put a service's ValidationError on the form's fields (unknown keys become form errors)."""
    messages = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
    for field, texts in messages.items():
        form.add_error(field if field in form.fields else None, texts)


class ProjectForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Project name"), max_length=rules.MAX_TITLE)
    code = forms.CharField(label=gettext_lazy("Project code (optional)"), max_length=rules.MAX_REFERENCE, required=False)
    project_type = forms.ChoiceField(label=gettext_lazy("Type"), choices=ProjectType.choices)
    budget = amount_field(gettext_lazy("Budget"))
    funding_source = forms.CharField(label=gettext_lazy("Funding source"), max_length=rules.MAX_TITLE)


class TenderForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=rules.MAX_TITLE)
    reference = forms.CharField(label=gettext_lazy("Reference (optional)"), max_length=rules.MAX_REFERENCE, required=False)
    description = forms.CharField(label=gettext_lazy("Description"), required=False, widget=forms.Textarea(
        attrs={"rows": 4}))
    ceiling_price = amount_field(gettext_lazy("Ceiling price"))
    bid_security_amount = amount_field(gettext_lazy("Bid security amount"))
    evaluation_method = forms.ChoiceField(label=gettext_lazy("Evaluation method"), choices=EvaluationMethod.choices)
    scoring_weights = forms.CharField(
        label=gettext_lazy("Scoring weights"), required=False,
        help_text=gettext_lazy("For comprehensive scoring: name=weight, separated by commas, adding up to 100. "
                               "Example: price=60, technical=30, service=10"))
    lots = forms.CharField(
        label=gettext_lazy("Lots"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("One lot per line: title; ceiling price. Leave empty for a single lot."))
    procedure_type = forms.ChoiceField(label=gettext_lazy("Procedure"), required=False)
    documents_from = Moment(label=gettext_lazy("Documents on offer from"), required=False)
    documents_until = Moment(label=gettext_lazy("Documents on offer until"), required=False)
    deadline = Moment(label=gettext_lazy("Bid deadline and opening"), required=False)
    bidding_period = forms.IntegerField(label=gettext_lazy("Longer bidding period (optional)"), required=False,
                                        min_value=1, max_value=rules.MAX_PERIOD)
    document_offer = forms.IntegerField(label=gettext_lazy("Documents on offer for longer (optional)"),
                                        required=False, min_value=1, max_value=rules.MAX_PERIOD)
    clarification_cutoff = forms.IntegerField(
        label=gettext_lazy("Longer cut-off for changes of conditions (optional)"), required=False, min_value=1,
        max_value=rules.MAX_PERIOD)
    min_bids = forms.IntegerField(label=gettext_lazy("Minimum number of bids"), initial=rules.MIN_BIDS_BY_LAW,
                                  min_value=rules.COUNT_LIMITS["min_bids"][0],
                                  max_value=rules.COUNT_LIMITS["min_bids"][1])
    key_threshold = forms.IntegerField(label=gettext_lazy("Key shares needed to open"), initial=2,
                                       min_value=rules.COUNT_LIMITS["key_threshold"][0],
                                       max_value=rules.COUNT_LIMITS["key_threshold"][1])

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        procedures = selectors.procedures_for(project)
        self.fields["procedure_type"].choices = [(p, ProcedureType(p).label) for p in procedures]
        policy = selectors.current_policy(procedures[0])
        # The policy's minimums, so the entity sees what the law asks before it types a date.
        for name in rules.ENTITY_PERIODS:
            self.fields[name].help_text = _("At least %(min)s; leave empty for the minimum.") % {
                "min": policy.describe(name)}

    def clean_scoring_weights(self):
        text = self.cleaned_data["scoring_weights"].strip()
        weights = {}
        for part in filter(None, (p.strip() for p in text.split(","))):
            name, sep, value = part.partition("=")
            try:
                weights[name.strip()] = Decimal(value.strip()) if sep else None
            except ArithmeticError:
                weights[name.strip()] = None
            if weights[name.strip()] is None:
                raise ValidationError(_("Write each weight as name=number."))
        return {k: (int(v) if v == v.to_integral_value() else float(v)) for k, v in weights.items()}

    def clean_lots(self):
        lots = []
        for number, line in enumerate(filter(None, (x.strip() for x in self.cleaned_data["lots"].splitlines())), 1):
            title, sep, price = line.rpartition(";")
            if not sep:
                raise ValidationError(_("Line %(n)d: write title; ceiling price.") % {"n": number})
            lots.append({"title": title.strip(), "ceiling_price": price.strip()})
        return lots

    @staticmethod
    def initial_from(tender):
        initial = {f: getattr(tender, f) for f in (
            "title", "reference", "description", "procedure_type", "ceiling_price", "bid_security_amount",
            "evaluation_method", "documents_from", "documents_until", "deadline", *rules.ENTITY_PERIODS, "min_bids",
            "key_threshold")}
        initial["scoring_weights"] = ", ".join(f"{k}={v}" for k, v in (tender.scoring_weights or {}).items())
        initial["lots"] = "\n".join(f"{lot.title}; {lot.ceiling_price}" for lot in tender.lots.all())
        return initial


class DocumentForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Document title"), max_length=rules.MAX_TITLE)
    file = forms.FileField(label=gettext_lazy("File"))


class PublishForm(forms.Form):
    key_holders = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Key holders"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Opening officials who each keep a share of the tender key. Only officials "
                               "with a registered personal key are listed."))
    threshold = forms.IntegerField(label=gettext_lazy("Shares needed to open"),
                                   min_value=rules.COUNT_LIMITS["key_threshold"][0],
                                   max_value=rules.COUNT_LIMITS["key_threshold"][1])

    def __init__(self, *args, tender, **kwargs):
        super().__init__(*args, **kwargs)
        project = tender.project
        orgs = [o for o in (project.entity_id, project.agency_id) if o]
        self.fields["key_holders"].queryset = User.objects.filter(
            Q(role=Role.SUPERVISOR) | Q(role=Role.ENTITY, organisation_id__in=orgs),
            is_active=True, holder_key__isnull=False).order_by("role", "username")
        self.fields["key_holders"].label_from_instance = lambda u: f"{u.get_full_name() or u.username} · " \
                                                                   f"{u.get_role_display()}"
        self.fields["threshold"].initial = tender.key_threshold


class ClarificationForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Clarification"), widget=forms.Textarea(attrs={"rows": 4}),
                           max_length=rules.MAX_TEXT)
    changes_conditions = forms.BooleanField(
        label=gettext_lazy("This changes the conditions"), required=False,
        help_text=gettext_lazy("Submitted bids must then be confirmed again; a change less than the cut-off "
                               "before the deadline moves the deadline."))
    new_deadline = Moment(label=gettext_lazy("Move the deadline to (optional)"), required=False)


class CancelForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason for cancelling"), max_length=rules.MAX_REASON)
