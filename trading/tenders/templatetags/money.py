"""`{{ amount|money }}`: an amount of yuan as people write it in the reader's language (tenders.money.format_amount)."""
from django import template

from trading.tenders.money import format_amount, written_pattern

register = template.Library()


@register.filter
def money(value):
    return format_amount(value)


@register.simple_tag
def money_pattern():
    """For a page's script: how amounts are written in the page's language ("{sign}¥{digits}", "{sign}{digits}元")."""
    return written_pattern()
