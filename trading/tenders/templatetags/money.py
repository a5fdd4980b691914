"""`{{ amount|money }}`: an amount of yuan as people write it in the reader's language (tenders.money.format_amount)."""
from django import template

from trading.tenders.money import format_amount

register = template.Library()


@register.filter
def money(value):
    return format_amount(value)
