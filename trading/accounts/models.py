from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .roles import OrganisationKind, Role

# Unified social credit code (统一社会信用代码): 18 characters of digits and capitals
# without I, O, S, V, Z. Imported historical bidders get a synthetic code.
credit_code_validator = RegexValidator(
    r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$",
    _("A unified social credit code has 18 characters: digits and capital letters except I, O, S, V, Z."),
)


class Organisation(models.Model):
    kind = models.CharField(_("kind"), max_length=16, choices=OrganisationKind.choices)
    name = models.CharField(_("name"), max_length=200)
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, validators=[credit_code_validator]
    )
    legal_representative = models.CharField(_("legal representative"), max_length=100, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    bank_account = models.CharField(_("bid security bank account"), max_length=64, blank=True)
    external_ref = models.CharField(_("reference in imported history"), max_length=100, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.CONTRACTOR)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="users",
    )
    # The organisation's own manager invites its people (the first user registered with it); an
    # administrator never puts a user into an organisation nor moves one between organisations.
    manages_organisation = models.BooleanField(_("manages the organisation's users"), default=False)


class HolderKey(models.Model):
    """A key-share holder's personal key pair.

    The private half is stored only encrypted under the holder's passphrase, so
    the platform can seal a tender key share to the holder without ever being
    able to open it alone.
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="holder_key")
    public_key = models.BinaryField()
    locked_private_key = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)


class RoleChangeStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a second administrator")
    APPROVED = "approved", _("Approved and applied")
    REFUSED = "refused", _("Refused")


class RoleChange(models.Model):
    """An administrator's change of a user's role or membership: applied only once a second administrator
    approves it, and shown to the user's organisation from the moment it is asked."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.PROTECT, related_name="role_changes")
    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="role_changes")
    old_role = models.CharField(_("role before"), max_length=16, choices=Role.choices)
    new_role = models.CharField(_("new role"), max_length=16, choices=Role.choices)
    leaves_organisation = models.BooleanField(_("leaves the organisation"), default=False)
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=16, choices=RoleChangeStatus.choices,
                              default=RoleChangeStatus.PENDING)
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("role change")
        verbose_name_plural = _("role changes")
