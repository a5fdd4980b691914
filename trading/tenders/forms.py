from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trading.accounts.models import Organisation, User
from trading.accounts.roles import OrganisationKind, Role

from .models import EvaluationMethod, ProjectType, TenderStatus


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


class TenderFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=100)
    type = forms.ChoiceField(label=gettext_lazy("Type"), required=False,
                             choices=[("", gettext_lazy("Any type"))] + ProjectType.choices)
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False,
                               choices=[("", gettext_lazy("Any status"))]
                               + [c for c in TenderStatus.choices if c[0] != TenderStatus.DRAFT])
    entity = forms.ModelChoiceField(label=gettext_lazy("Procuring entity"), required=False,
                                    queryset=Organisation.objects.filter(kind=OrganisationKind.ENTITY),
                                    empty_label=gettext_lazy("Any entity"))
    min_amount = forms.DecimalField(label=gettext_lazy("Ceiling from"), required=False, min_value=0,
                                    max_digits=16, decimal_places=2)
    max_amount = forms.DecimalField(label=gettext_lazy("Ceiling up to"), required=False, min_value=0,
                                    max_digits=16, decimal_places=2)

    def params(self):
        """The valid filters only: a bad value is reported on the form and otherwise ignored."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        params = {k: v for k, v in data.items() if v not in (None, "")}
        if params.get("entity"):
            params["entity"] = str(params["entity"].pk)
        return params


class ProjectForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Project name"), max_length=200)
    code = forms.CharField(label=gettext_lazy("Project code (optional)"), max_length=40, required=False)
    project_type = forms.ChoiceField(label=gettext_lazy("Type"), choices=ProjectType.choices)
    budget = amount_field(gettext_lazy("Budget"))
    funding_source = forms.CharField(label=gettext_lazy("Funding source"), max_length=200)


class TenderForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    reference = forms.CharField(label=gettext_lazy("Reference (optional)"), max_length=40, required=False)
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
    documents_from = Moment(label=gettext_lazy("Documents on offer from"), required=False)
    documents_until = Moment(label=gettext_lazy("Documents on offer until"), required=False)
    deadline = Moment(label=gettext_lazy("Bid deadline and opening"), required=False)
    min_bidding_days = forms.IntegerField(label=gettext_lazy("Minimum bidding days"), initial=20, min_value=0,
                                          max_value=365)
    min_document_days = forms.IntegerField(label=gettext_lazy("Minimum document days"), initial=5, min_value=0,
                                           max_value=365)
    clarification_cutoff_days = forms.IntegerField(label=gettext_lazy("Clarification cut-off days"), initial=15,
                                                   min_value=0, max_value=365)
    min_bids = forms.IntegerField(label=gettext_lazy("Minimum number of bids"), initial=3, min_value=1,
                                  max_value=100)
    key_threshold = forms.IntegerField(label=gettext_lazy("Key shares needed to open"), initial=2, min_value=1,
                                       max_value=20)

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
            "title", "reference", "description", "ceiling_price", "bid_security_amount", "evaluation_method",
            "documents_from", "documents_until", "deadline", "min_bidding_days", "min_document_days",
            "clarification_cutoff_days", "min_bids", "key_threshold")}
        initial["scoring_weights"] = ", ".join(f"{k}={v}" for k, v in (tender.scoring_weights or {}).items())
        initial["lots"] = "\n".join(f"{lot.title}; {lot.ceiling_price}" for lot in tender.lots.all())
        return initial


class DocumentForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Document title"), max_length=200)
    file = forms.FileField(label=gettext_lazy("File"))


class PublishForm(forms.Form):
    key_holders = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Key holders"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Opening officials who each keep a share of the tender key. Only officials "
                               "with a registered personal key are listed."))
    threshold = forms.IntegerField(label=gettext_lazy("Shares needed to open"), min_value=1, max_value=20)

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
                           max_length=10_000)
    changes_conditions = forms.BooleanField(
        label=gettext_lazy("This changes the conditions"), required=False,
        help_text=gettext_lazy("Submitted bids must then be confirmed again; a change less than the cut-off "
                               "before the deadline moves the deadline."))
    new_deadline = Moment(label=gettext_lazy("Move the deadline to (optional)"), required=False)


class CancelForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason for cancelling"), max_length=500)
