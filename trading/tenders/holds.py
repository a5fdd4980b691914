"""What holds a procedure back: a registry the rooms that may suspend a tender (complaints, objections to the
documents...) fill at start-up, and the rooms that move it forward (award, contract) ask.

A source is `source(tender, step) -> reason or None`, `step` one of STEPS. Tenders imports none of them.
"""
from django.core.exceptions import ValidationError

STEPS = ("bidding", "opening", "award", "contract")
SOURCES = []


def register(source):
    if source not in SOURCES:
        SOURCES.append(source)


def reasons(tender, step):
    if step not in STEPS:
        raise ValueError(f"unknown step {step!r}")
    return [reason for source in SOURCES if (reason := source(tender, step))]


def check(tender, step):
    """Refuse the step, with every reason, while anything holds it (inside the caller's transaction)."""
    found = reasons(tender, step)
    if found:
        raise ValidationError({"tender": found})
