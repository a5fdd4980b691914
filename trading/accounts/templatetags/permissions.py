"""`{% if user|may:"checkpoint.view" %}`: templates ask the permission matrix, never a role name.

An unknown action raises, as allowed() does. Django's `{% if %}` turns an exception inside `or`, `and`
or `not` into False, so tests/accounts/test_permission_filter.py also checks every action a template names.
"""
from django import template

from trading.accounts.permissions import allowed

register = template.Library()


@register.filter
def may(user, action):
    return allowed(user, action)
