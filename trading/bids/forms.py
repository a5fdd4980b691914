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


class _Unsent:
    """An input the browser reads and seals (bids/seal.js): rendered without a name, so no form ever sends it."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["data-sealed"] = name
        context["widget"]["name"] = ""
        return context


class UnsentNumberInput(_Unsent, forms.NumberInput):
    pass


class UnsentTextInput(_Unsent, forms.TextInput):
    pass


class UnsentFileInput(_Unsent, MultipleFileInput):
    pass


class BidContentForm(forms.Form):
    """What a bid says: shown to the bidder, sealed in the browser, never posted (see BidForm)."""

    price = forms.DecimalField(label=_("Bid price (CNY)"), max_digits=16, decimal_places=2, min_value=0.01,
                               widget=UnsentNumberInput)
    duration_days = forms.IntegerField(label=_("Duration (days)"), min_value=1, max_value=MAX_DURATION_DAYS,
                                       widget=UnsentNumberInput)
    quality = forms.CharField(label=_("Quality commitment"), max_length=TEXT_LIMITS["quality"],
                              widget=UnsentTextInput)
    project_manager = forms.CharField(label=_("Project manager"), max_length=TEXT_LIMITS["project_manager"],
                                      widget=UnsentTextInput)
    security_reference = forms.CharField(label=_("Bid security reference"),
                                         max_length=TEXT_LIMITS["security_reference"], widget=UnsentTextInput,
                                         help_text=_("The bank guarantee or transfer reference of your bid security."))
    attachments = MultipleFileField(label=_("Attachments"), required=False, widget=UnsentFileInput,
                                    help_text=_("Sealed in your browser before they are sent."))


class BidForm(forms.Form):
    """What the bid form posts: the content and attachments sealed in the browser, never the plain fields."""

    sealed_content = forms.CharField(widget=forms.HiddenInput, required=False)
    sealed_attachments = MultipleFileField(required=False)
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
