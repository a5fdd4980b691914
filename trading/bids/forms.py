import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from .content import MAX_DURATION_DAYS, TEXT_LIMITS


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Hands every selected file to the service, which checks type, size and count."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class BidForm(forms.Form):
    price = forms.DecimalField(label=_("Bid price (CNY)"), max_digits=16, decimal_places=2, min_value=0.01)
    duration_days = forms.IntegerField(label=_("Duration (days)"), min_value=1, max_value=MAX_DURATION_DAYS)
    quality = forms.CharField(label=_("Quality commitment"), max_length=TEXT_LIMITS["quality"])
    project_manager = forms.CharField(label=_("Project manager"), max_length=TEXT_LIMITS["project_manager"])
    security_reference = forms.CharField(label=_("Bid security reference"),
                                         max_length=TEXT_LIMITS["security_reference"],
                                         help_text=_("The bank guarantee or transfer reference of your bid security."))
    attachments = MultipleFileField(label=_("Attachments"), required=False,
                                    help_text=_("Sealed before they are stored."))
    client_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    device_fingerprint = forms.CharField(widget=forms.HiddenInput, required=False, max_length=128)

    def __init__(self, *args, lots=(), **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            # A fresh key per form: a double click or a resent form stores one bid, not two.
            self.initial["client_key"] = uuid.uuid4().hex
        if lots:
            # A tender with lots: each bid is for one lot, chosen first (the service checks it again).
            self.fields["lot"] = forms.TypedChoiceField(
                label=_("Lot"), coerce=int, required=False, empty_value=None, help_text=_("One bid per lot; bid again to bid for another lot."),
                choices=[("", _("Choose the lot you bid for"))] + [
                    (lot.number, _("Lot %(number)s: %(title)s (ceiling price %(ceiling)s)") % {
                        "number": lot.number, "title": lot.title, "ceiling": lot.ceiling_price}) for lot in lots])
            self.order_fields(["lot"])


class ReceiptCheckForm(forms.Form):
    receipt_text = forms.CharField(label=_("Paste the receipt JSON"), widget=forms.Textarea(attrs={"rows": 8}),
                                   required=False)
    receipt_file = forms.FileField(label=_("or upload the receipt file"), required=False)

    MAX_BYTES = 64 * 1024

    def clean(self):
        data = super().clean()
        upload = data.get("receipt_file")
        if upload:
            if upload.size > self.MAX_BYTES:
                raise forms.ValidationError(
                    {"receipt_file": _("A receipt is a small JSON file; this one is too large.")})
            data["receipt"] = upload.read()
        elif data.get("receipt_text"):
            data["receipt"] = data["receipt_text"]
        else:
            raise forms.ValidationError(_("Paste a receipt or upload its file."))
        return data
