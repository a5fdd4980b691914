"""Amounts of money from user input: one rule for budgets, ceilings, securities and bid prices."""
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext as _

CENT = Decimal("0.01")


def parse_amount(value, *, positive=True) -> Decimal:
    """Return the amount rounded to cents, or raise a ValidationError saying what is wrong with it."""
    not_a_number = _("Enter an amount, for example 1250000.00.")
    if isinstance(value, bool) or not isinstance(value, (int, str, Decimal, float)):
        raise ValidationError(not_a_number)
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError(not_a_number) from None
    if not amount.is_finite():
        raise ValidationError(not_a_number)
    if amount < 0 or (positive and amount == 0):
        raise ValidationError(_("The amount must be greater than zero.") if positive
                              else _("The amount cannot be negative."))
    if amount > settings.SUNLIGHT["MAX_AMOUNT"]:
        raise ValidationError(_("The amount is larger than the platform allows (%(max)s).")
                              % {"max": format_amount(settings.SUNLIGHT["MAX_AMOUNT"])})
    if amount != amount.quantize(CENT):
        raise ValidationError(_("Use at most two decimal places."))
    return amount.quantize(CENT)


# How people write an amount, by language: digits grouped by thousands, two decimals, the yuan where they put it
# ("¥1,234,567.89" in English; "1,234,567.89元" in Chinese, as procurement notices write it).
WRITTEN = {"zh": "{sign}{digits}元", "en": "{sign}¥{digits}"}


def written_pattern(language=None) -> str:
    """The pattern format_amount fills ({sign}, {digits}), for scripts that write amounts in the page's language."""
    language = (language or get_language() or settings.LANGUAGE_CODE).lower()
    return WRITTEN.get(language.split("-")[0], WRITTEN["en"])


def format_amount(value, language=None) -> str:
    """An amount of yuan as people of `language` (the active one by default) write it; "—" for none. Used by every
    page, PDF and notice that shows money (the `money` template filter), so they all agree."""
    if value is None or value == "":
        return "—"
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return str(value)
    if not amount.is_finite():
        return str(value)
    return written_pattern(language).format(sign="-" if amount < 0 else "", digits=f"{abs(amount).quantize(CENT):,.2f}")
