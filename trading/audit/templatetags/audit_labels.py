from django import template

from trading.audit.labels import action_label as label_of

register = template.Library()


@register.filter
def action_label(action):
    return label_of(action)
