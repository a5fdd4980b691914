from django import forms
from django.utils.translation import gettext_lazy as _

from .roles import OrganisationKind, Role


class OrganisationFields(forms.Form):
    name = forms.CharField(label=_("Company name"), max_length=200)
    credit_code = forms.CharField(label=_("Unified social credit code"), max_length=18, min_length=18,
                                  help_text=_("18 characters, as printed on the business licence."))
    legal_representative = forms.CharField(label=_("Legal representative"), max_length=100)
    contact_name = forms.CharField(label=_("Contact person"), max_length=100)
    phone = forms.CharField(label=_("Phone"), max_length=32)
    email = forms.EmailField(label=_("Company e-mail"), required=False)
    address = forms.CharField(label=_("Address"), max_length=300)
    bank_account = forms.CharField(label=_("Bank account for bid security"), max_length=64)


class FirstUserFields(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    first_name = forms.CharField(label=_("Given name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Family name"), max_length=150, required=False)
    user_email = forms.EmailField(label=_("Your e-mail"), required=False)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)
    password_again = forms.CharField(label=_("Password again"), widget=forms.PasswordInput, strip=False)

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password_again") and data["password"] != data["password_again"]:
            self.add_error("password_again", _("The two passwords differ."))
        return data


class ContractorRegistrationForm(OrganisationFields, FirstUserFields):
    pass


class OrganisationRegistrationForm(OrganisationFields, FirstUserFields):
    kind = forms.ChoiceField(label=_("Kind of organisation"),
                             choices=[c for c in OrganisationKind.choices if c[0] != OrganisationKind.CONTRACTOR])
    role = forms.ChoiceField(label=_("Role of its first user"),
                             choices=[c for c in Role.choices if c[0] != Role.CONTRACTOR])
    field_order = ["kind", "role"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Entities and authorities register fewer details than bidders.
        for name in ("legal_representative", "contact_name", "phone", "address", "bank_account"):
            self.fields[name].required = False
        self.fields["name"].label = _("Name")


class PassphraseForm(forms.Form):
    old_passphrase = forms.CharField(
        label=_("Passphrase of your current key"), widget=forms.PasswordInput, strip=False, required=False,
        help_text=_("Needed to replace a key: your key shares are moved from the old key to the new one."))
    passphrase = forms.CharField(label=_("Key passphrase"), widget=forms.PasswordInput, strip=False,
                                 help_text=_("At least 10 characters, not a common password, not repeated or "
                                             "consecutive characters: a few unrelated words are best. Only you know "
                                             "it: the platform cannot recover it, and without it your key shares "
                                             "cannot be opened."))
    passphrase_again = forms.CharField(label=_("Passphrase again"), widget=forms.PasswordInput, strip=False)

    def __init__(self, *args, replacing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not replacing:
            del self.fields["old_passphrase"]

    def clean(self):
        data = super().clean()
        if data.get("passphrase") and data.get("passphrase_again") and data["passphrase"] != data["passphrase_again"]:
            self.add_error("passphrase_again", _("The two passphrases differ."))
        return data


class InviteForm(FirstUserFields):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    field_order = ["role"]

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisation is not None:
            from .services import ROLE_KINDS

            self.fields["role"].choices = [c for c in Role.choices if organisation.kind in ROLE_KINDS[Role(c[0])]]


class RoleChangeForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    new_role = forms.ChoiceField(label=_("New role"), choices=Role.choices)
    leaves_organisation = forms.BooleanField(label=_("Takes the user out of their organisation"), required=False)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
