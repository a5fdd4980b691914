"""Project entry, drafts, publication and clarifications: the rules a procuring entity meets."""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tests.factories import make_user
from trading.accounts.models import HolderKey
from trading.audit.models import AuditEntry
from trading.tenders import clock, services
from trading.tenders.models import Lot, Project, Tender, TenderStatus
from trading.tenders.signals import conditions_changed, tender_published

from .builders import draft_tender, ensure_holder_key, project, published_tender
from .conftest import as_caller

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)


def errors_of(call):
    with pytest.raises(ValidationError) as error:
        call()
    return error.value.message_dict


def test_project_entry_checks_every_field(entity_user):
    errors = errors_of(lambda: services.register_project(
        as_caller(entity_user), name="", project_type="spaceport", budget="-1", funding_source="x" * 201))
    assert set(errors) == {"name", "project_type", "budget", "funding_source"}
    errors = errors_of(lambda: services.register_project(
        as_caller(entity_user), name="Dam", project_type="works", budget=10**14, funding_source="State"))
    assert "larger than the platform allows" in errors["budget"][0]
    assert not Project.objects.exists() and not AuditEntry.objects.exists()
    made = services.register_project(as_caller(entity_user), name="Dam", project_type="works",
                                     budget="1000000.50", funding_source="State")
    assert made.entity == entity_user.organisation and made.budget == Decimal("1000000.50") and made.code
    assert AuditEntry.objects.filter(action="tenders.register_project").count() == 1
    dup = errors_of(lambda: services.register_project(as_caller(entity_user), name="Dam 2", project_type="works",
                                                      budget=1, funding_source="State", code=made.code))
    assert "code" in dup


@pytest.mark.parametrize("fields, field", [
    ({"ceiling_price": "-100"}, "ceiling_price"),
    ({"ceiling_price": 0}, "ceiling_price"),
    ({"ceiling_price": "NaN"}, "ceiling_price"),
    ({"ceiling_price": "12.345"}, "ceiling_price"),
    ({"ceiling_price": True}, "ceiling_price"),
    ({"ceiling_price": Decimal("5000000")}, "ceiling_price"),  # above the project budget
    ({"bid_security_amount": "-1"}, "bid_security_amount"),
    ({"bid_security_amount": Decimal("1000001")}, "bid_security_amount"),
    ({"evaluation_method": "coin_toss"}, "evaluation_method"),
    ({"evaluation_method": "scoring", "scoring_weights": {"price": 60, "technical": 30}}, "scoring_weights"),
    ({"evaluation_method": "scoring", "scoring_weights": {"price": -10, "technical": 110}}, "scoring_weights"),
    ({"evaluation_method": "scoring", "scoring_weights": "price=100"}, "scoring_weights"),
    ({"deadline": "tomorrow"}, "deadline"),
    ({"bidding_period": -1}, "bidding_period"),
    ({"bidding_period": 19}, "bidding_period"),  # shorter than the platform policy (20 days)
    ({"document_offer": 4}, "document_offer"),
    ({"clarification_cutoff": 0}, "clarification_cutoff"),
    ({"min_bids": 0}, "min_bids"),
    ({"min_bids": 2}, "min_bids"),  # the law asks for 3
    ({"procedure_type": "training"}, "procedure_type"),  # not enabled by the administrator
    ({"procedure_type": "land_property"}, "procedure_type"),  # not this project's procedure
    ({"key_threshold": 99}, "key_threshold"),
    ({"title": ""}, "title"),
    ({"title": "a\x00b"}, "title"),
    ({"lots": [{"title": "A", "ceiling_price": 900000}, {"title": "B", "ceiling_price": 900000}]}, "lots"),
    ({"lots": [{"title": "", "ceiling_price": 1}]}, "lots"),
    ({"lots": "two"}, "lots"),
    ({"colour": "red"}, "colour"),
])
def test_bad_tender_input_is_a_field_error_and_writes_nothing(entity_user, fields, field):
    own = project(entity_user)
    before = AuditEntry.objects.count()
    errors = errors_of(lambda: draft_tender(entity_user, project_obj=own, **fields))
    assert field in errors, errors
    assert not Tender.objects.exists() and not Lot.objects.exists()
    assert AuditEntry.objects.count() == before


def test_past_dates_and_dates_out_of_order(entity_user):
    now = clock.now()
    assert "deadline" in errors_of(lambda: draft_tender(entity_user, deadline=now - DAY))
    errors = errors_of(lambda: draft_tender(entity_user, deadline=now + 30 * DAY, documents_from=now + 5 * DAY,
                                            documents_until=now + 2 * DAY))
    assert "documents_until" in errors
    errors = errors_of(lambda: draft_tender(entity_user, deadline=now + 30 * DAY, documents_until=now + 31 * DAY))
    assert "documents_until" in errors


def test_scoring_weights_summing_to_100_are_kept(entity_user):
    tender = draft_tender(entity_user, evaluation_method="scoring",
                          scoring_weights={"price": "55.5", "technical": 34.5, "service": 10})
    assert tender.scoring_weights == {"price": 55.5, "technical": 34.5, "service": 10}


def test_update_changes_a_draft_and_replaces_its_lots(entity_user):
    tender = draft_tender(entity_user, lots=[{"title": "North", "ceiling_price": 400000}])
    services.update_tender(as_caller(entity_user), tender, title="Renamed", bidding_period=25,
                           lots=[{"title": "East", "ceiling_price": 100}, {"title": "West", "ceiling_price": 200}])
    tender.refresh_from_db()
    assert tender.title == "Renamed" and tender.bidding_period == 25
    assert list(tender.lots.values_list("number", "title")) == [(1, "East"), (2, "West")]
    # A bad change leaves the draft exactly as it was.
    errors = errors_of(lambda: services.update_tender(as_caller(entity_user), tender, title="Half",
                                                      ceiling_price="-3", lots=[]))
    tender.refresh_from_db()
    assert "ceiling_price" in errors and tender.title == "Renamed" and tender.lots.count() == 2


def test_publication_checks_the_statutory_periods(entity_user, holders):
    now = clock.now()
    short = draft_tender(entity_user, deadline=now + 19 * DAY)
    assert "at least 20 days" in errors_of(lambda: services.publish_tender(as_caller(entity_user), short,
                                                                           holders))["deadline"][0]
    docs = draft_tender(entity_user, deadline=now + 30 * DAY, documents_from=now + 1 * DAY,
                        documents_until=now + 4 * DAY)
    assert "at least 5 days" in errors_of(lambda: services.publish_tender(as_caller(entity_user), docs,
                                                                          holders))["documents_until"][0]
    none = draft_tender(entity_user)
    assert "deadline" in errors_of(lambda: services.publish_tender(as_caller(entity_user), none, holders))
    # An entity may choose a longer period, and the deadline is then checked against it.
    longer = draft_tender(entity_user, deadline=now + 22 * DAY, bidding_period=25)
    assert "at least 25 days" in errors_of(lambda: services.publish_tender(as_caller(entity_user), longer,
                                                                           holders))["deadline"][0]
    services.update_tender(as_caller(entity_user), longer, deadline=now + 26 * DAY)
    services.publish_tender(as_caller(entity_user), longer, holders)
    assert longer.status == TenderStatus.PUBLISHED
    for tender in (short, docs, none):
        tender.refresh_from_db()
        assert tender.status == TenderStatus.DRAFT and tender.published_at is None


def test_a_deadline_that_passed_while_in_draft_blocks_publication(entity_user, holders):
    tender = draft_tender(entity_user, deadline=clock.now() + 25 * DAY)
    with clock.shifted(26 * DAY):
        errors = errors_of(lambda: services.publish_tender(as_caller(entity_user), tender, holders))
    assert "future" in errors["deadline"][0]


def test_key_holders_must_be_officials_with_keys(entity_user, holders, contractor):
    tender = draft_tender(entity_user, deadline=clock.now() + 30 * DAY)
    publish = services.publish_tender
    without_key = make_user("supervisor")
    assert "personal key" in errors_of(lambda: publish(as_caller(entity_user), tender,
                                                       [holders[0], without_key]))["key_holders"][0]
    stranger = ensure_holder_key(make_user("entity"))
    assert "cannot hold" in errors_of(lambda: publish(as_caller(entity_user), tender,
                                                      [holders[0], stranger]))["key_holders"][0]
    assert "cannot hold" in errors_of(lambda: publish(as_caller(entity_user), tender,
                                                      [holders[0], contractor]))["key_holders"][0]
    assert "at least 4" in errors_of(lambda: publish(as_caller(entity_user), tender, holders, 3))["key_holders"][0]
    assert "threshold" in errors_of(lambda: publish(as_caller(entity_user), tender, holders, "two"))
    assert "threshold" in errors_of(lambda: publish(as_caller(entity_user), tender, holders, 0))
    tender.refresh_from_db()
    assert tender.status == TenderStatus.DRAFT


def test_publication_sends_the_key_event_and_fails_with_it(entity_user, holders):
    seen = []

    def keep(sender, tender, key_holders, threshold, caller, **kwargs):
        seen.append((tender.pk, [u.pk for u in key_holders], threshold))

    def refuse(sender, **kwargs):
        raise ValidationError({"key_holders": "The key could not be made."})

    tender = draft_tender(entity_user, deadline=clock.now() + 30 * DAY)
    tender_published.connect(refuse, dispatch_uid="test-refuse")
    try:
        errors = errors_of(lambda: services.publish_tender(as_caller(entity_user), tender, holders))
    finally:
        tender_published.disconnect(dispatch_uid="test-refuse")
    tender.refresh_from_db()
    assert "key could not be made" in errors["key_holders"][0]
    assert tender.status == TenderStatus.DRAFT and not tender.status_changes.exists()
    assert not AuditEntry.objects.filter(action="tenders.publish_tender").exists()

    tender_published.connect(keep, dispatch_uid="test-keep")
    try:
        services.publish_tender(as_caller(entity_user), tender, holders, 2)
    finally:
        tender_published.disconnect(dispatch_uid="test-keep")
    assert seen == [(tender.pk, [h.pk for h in holders], 2)]
    tender.refresh_from_db()
    assert tender.status == TenderStatus.PUBLISHED and tender.key_threshold == 2 and tender.published_at


def test_republishing_is_refused(entity_user, holders):
    tender = published_tender(entity_user, holders=holders)
    errors = errors_of(lambda: services.publish_tender(as_caller(entity_user), tender, holders))
    assert "Published" in errors["status"][0]


def test_a_late_change_of_conditions_moves_the_deadline_and_asks_for_reconfirmation(entity_user):
    tender = published_tender(entity_user, deadline=clock.now() + 21 * DAY)
    signalled = []
    conditions_changed.connect(lambda sender, tender, caller, **kw: signalled.append(tender.pk),
                               dispatch_uid="test-conditions", weak=False)
    try:
        with clock.shifted(10 * DAY):  # 11 days before the deadline, under the 15-day cut-off
            answer = services.add_clarification(as_caller(entity_user), tender, "Where is the site?", False)
            assert answer.deadline_after == answer.deadline_before and not signalled
            change = services.add_clarification(as_caller(entity_user), tender, "Steel grade changes to Q355.", True)
            now = clock.now()
    finally:
        conditions_changed.disconnect(dispatch_uid="test-conditions")
    tender.refresh_from_db()
    assert signalled == [tender.pk]
    assert tender.deadline - now >= dt.timedelta(days=15) and tender.deadline == change.deadline_after
    assert tender.documents_until == tender.deadline
    assert change.deadline_before < change.deadline_after


def test_an_early_change_leaves_the_deadline(entity_user):
    tender = published_tender(entity_user, deadline=clock.now() + 30 * DAY)
    change = services.add_clarification(as_caller(entity_user), tender, "New drawings attached.", True)
    assert change.deadline_after == change.deadline_before == tender.deadline


def test_clarification_input_and_timing(entity_user):
    tender = published_tender(entity_user, deadline=clock.now() + 30 * DAY)
    assert "text" in errors_of(lambda: services.add_clarification(as_caller(entity_user), tender, "  "))
    assert "changes_conditions" in errors_of(lambda: services.add_clarification(
        as_caller(entity_user), tender, "x", "yes"))
    assert "new_deadline" in errors_of(lambda: services.add_clarification(
        as_caller(entity_user), tender, "Earlier please", new_deadline=tender.deadline - DAY))
    extended = services.add_clarification(as_caller(entity_user), tender, "Two more weeks",
                                          new_deadline=tender.deadline + 14 * DAY)
    assert extended.deadline_after == extended.deadline_before + 14 * DAY
    with clock.shifted(60 * DAY):
        assert "status" in errors_of(lambda: services.add_clarification(as_caller(entity_user), tender, "Late"))
    draft = draft_tender(entity_user)
    assert "status" in errors_of(lambda: services.add_clarification(as_caller(entity_user), draft, "Too early"))


def test_cancel_needs_a_reason_and_is_final(entity_user):
    tender = published_tender(entity_user)
    assert "reason" in errors_of(lambda: services.cancel_tender(as_caller(entity_user), tender, ""))
    services.cancel_tender(as_caller(entity_user), tender, "The budget was withdrawn.")
    tender.refresh_from_db()
    assert tender.status == TenderStatus.CANCELLED
    assert tender.status_changes.last().reason == "The budget was withdrawn."
    assert "Cancelled" in errors_of(lambda: services.cancel_tender(as_caller(entity_user), tender, "again"))["status"][0]


def test_services_use_the_shared_clock(entity_user, holders):
    tender = draft_tender(entity_user, deadline=clock.now() + 100 * DAY)
    with clock.shifted(50 * DAY):
        services.publish_tender(as_caller(entity_user), tender, holders)
        expected = clock.now()
    tender.refresh_from_db()
    assert abs(tender.published_at - expected) < dt.timedelta(seconds=5)
    assert HolderKey.objects.filter(user__in=holders).count() == 3


def test_the_budget_a_ceiling_exceeds_is_written_as_money(entity_user):
    own = project(entity_user, budget=Decimal("1234567.50"))
    errors = errors_of(lambda: draft_tender(entity_user, project_obj=own, ceiling_price=Decimal("2000000.00")))
    assert "¥1,234,567.50" in str(errors["ceiling_price"])
