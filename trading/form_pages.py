"""The shape every page that writes shares: post the form, let the service write, and either go on or show the
form again with the service's refusal on its fields (post, redirect, get).

The rooms after the award (complaints, contracts, credit, bid security) each wrote this out per page; here it is
once, and each room says only which service writes, what it says when done, where it goes and which page shows
the form again.
"""
from django.contrib import messages
from django.core.exceptions import ValidationError

from trading.tenders.forms import apply_errors


def form_then_redirect(request, form, write, done, then, again):
    """`write(cleaned_data)` runs when the form is valid. When it writes, the user reads `done` and gets `then(what
    it returned)` (a redirect); when the form or the service refuses, the errors go on the form's fields and
    `again()` shows the page once more (its status says the input was refused)."""
    if form.is_valid():
        try:
            made = write(form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, done)
            return then(made)
    return again()
