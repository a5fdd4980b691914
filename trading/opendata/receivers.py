"""Publish a tender's release after the commit of any change to its public data.

Open data sits above every app it reads, so it listens to their rows rather than asking them for hooks. A bid's
submission is not listened to: before the opening it changes nothing public, and the deadline rush should not wait
on it; the opening's record and the status change that follows it carry the opened bids. Publication runs after the
commit (`robust`: a failure is logged, never the user's action undone) and `opendata_publish` catches anything
missed.
"""
from django.db import transaction
from django.db.models.signals import post_save


def _tender_of(instance):
    """The tender id of a row of one of the listened models."""
    if instance._meta.model_name == "tender":
        return instance.pk
    if hasattr(instance, "tender_id"):
        return instance.tender_id
    return instance.contract.tender_id  # amendments and milestones of a contract


def _after_commit(sender, instance, **kwargs):
    from .services import publish_tender

    tender_id = _tender_of(instance)
    if tender_id is None or kwargs.get("raw"):
        return
    def publish():  # a function, not a partial: Django names it (__qualname__) when it logs a failure
        publish_tender(tender_id)

    transaction.on_commit(publish, robust=True)


def listened_models():
    from trading.award.models import Award, CandidateNotice
    from trading.bids.opening.models import OpeningRecord
    from trading.contracts.models import Amendment, Contract, Milestone
    from trading.tenders.models import Lot, StatusChange, Tender, TenderDocument

    return [Tender, Lot, StatusChange, TenderDocument, OpeningRecord, CandidateNotice, Award, Contract, Amendment,
            Milestone]


def connect():
    for model in listened_models():
        post_save.connect(_after_commit, sender=model, dispatch_uid=f"opendata-{model._meta.label}")
