"""Checkpoints: each statutory period and deadline is green, yellow or red with a reason; reds leave a mark."""
import datetime as dt

import pytest
from django.urls import reverse

from tests.factories import PASSWORD
from trading.tenders import clock, services
from trading.tenders.checkpoints import Facts, evaluate, refresh_checkpoints
from trading.tenders.models import Checkpoint, Tender, TenderStatus as S
from trading.tenders.moves import move_tender
from trading.tenders.rules import Policy

from .builders import draft_tender, published_tender
from .conftest import ROLES, as_caller

DAY = dt.timedelta(days=1)
NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone.utc)
LAW = Policy.from_dict({"procedure_type": "open_works", "training": False, "periods": {}, "thresholds": {}})


def facts(**overrides):
    values = dict(status=S.PUBLISHED, documents_from=NOW - 5 * DAY, documents_until=NOW + 15 * DAY,
                  deadline=NOW + 20 * DAY, policy=LAW)
    values.update(overrides)
    return Facts(**values)


def states(results):
    return {r.code: r.state for r in results}


def reason(results, code):
    return next(r.reason for r in results if r.code == code)


def test_a_lawful_open_tender_is_all_green():
    results = evaluate(facts(), NOW)
    assert states(results) == {"bidding_period": "green", "document_offer": "green",
                               "clarification_cutoff": "green", "opening_on_time": "green"}
    assert "25.0 days" in reason(results, "bidding_period")
    assert evaluate(facts(status=S.DRAFT), NOW) == []


def test_short_periods_are_red_with_the_numbers():
    results = evaluate(facts(deadline=NOW + 10 * DAY, documents_until=NOW - 3 * DAY), NOW)
    assert states(results)["bidding_period"] == "red"
    assert "15.0 days" in reason(results, "bidding_period") and "20 days" in reason(results, "bidding_period")
    assert states(results)["document_offer"] == "red"


def test_a_late_change_of_conditions_is_red_until_the_deadline_moves():
    late = facts(condition_changes=[NOW], deadline=NOW + 10 * DAY)
    assert states(evaluate(late, NOW))["clarification_cutoff"] == "red"
    moved = facts(condition_changes=[NOW], deadline=NOW + 16 * DAY)
    assert states(evaluate(moved, NOW))["clarification_cutoff"] == "green"


def test_the_opening_turns_yellow_near_the_deadline_and_red_when_it_does_not_happen():
    assert states(evaluate(facts(deadline=NOW + DAY), NOW))["opening_on_time"] == "yellow"
    assert states(evaluate(facts(), NOW + 20 * DAY + dt.timedelta(minutes=10)))["opening_on_time"] == "yellow"
    overdue = evaluate(facts(), NOW + 21 * DAY)
    assert states(overdue)["opening_on_time"] == "red" and "has not started" in reason(overdue, "opening_on_time")
    on_time = evaluate(facts(status=S.OPENING, opened_at=NOW + 20 * DAY), NOW + 21 * DAY)
    assert states(on_time)["opening_on_time"] == "green"
    late = [r for r in evaluate(facts(status=S.OPENING, opened_at=NOW + 22 * DAY), NOW + 23 * DAY)
            if r.code == "opening_on_time"][0]
    assert late.state == "green" and late.was_red and "after the deadline" in late.reason


def test_candidate_notice_limits():
    # The contract deadline follows the real contract: tests/contracts/test_checkpoints.py.
    shown = NOW + 25 * DAY
    showing = facts(status=S.CANDIDATES, opened_at=NOW + 20 * DAY, entered={S.CANDIDATES: shown})
    assert states(evaluate(showing, shown + DAY))["candidate_notice"] == "yellow"
    hasty = facts(status=S.AWARDED, opened_at=NOW + 20 * DAY, entered={S.CANDIDATES: shown, S.AWARDED: shown + DAY})
    results = evaluate(hasty, shown + DAY)
    assert states(results)["candidate_notice"] == "red" and "contract_signing" not in states(results)
    done = facts(status=S.COMPLETE, opened_at=NOW + 20 * DAY,
                 entered={S.CANDIDATES: shown, S.AWARDED: shown + 4 * DAY, S.COMPLETE: shown + 20 * DAY})
    assert states(evaluate(done, shown + 60 * DAY))["candidate_notice"] == "green"


@pytest.mark.django_db
def test_a_corrected_red_turns_green_and_the_tender_keeps_its_mark(entity_user):
    tender = published_tender(entity_user, deadline=clock.now() + 30 * DAY)
    assert not tender.was_red
    assert set(Checkpoint.objects.filter(tender=tender).values_list("state", flat=True)) == {"green"}
    # A data fix shortened the bidding period below the minimum (as imported or hand-edited data can).
    Tender.objects.filter(pk=tender.pk).update(deadline=tender.documents_from + 10 * DAY,
                                               documents_until=tender.documents_from + 10 * DAY)
    tender.refresh_from_db()
    refresh_checkpoints(tender)
    period = Checkpoint.objects.get(tender=tender, code="bidding_period")
    assert period.state == "red" and "10.0 days" in period.reason
    services.add_clarification(as_caller(entity_user), tender, "The deadline is extended.",
                               new_deadline=tender.documents_from + 25 * DAY)
    period.refresh_from_db()
    tender.refresh_from_db()
    assert period.state == "green" and period.was_red and tender.was_red


@pytest.mark.django_db
def test_an_opening_held_late_marks_the_tender(entity_user):
    tender = published_tender(entity_user, deadline=clock.now() - 3 * dt.timedelta(hours=1))
    refresh_checkpoints(tender)
    assert Checkpoint.objects.get(tender=tender, code="opening_on_time").state == "red"
    move_tender(as_caller(entity_user), tender, S.BIDDING_CLOSED)
    move_tender(as_caller(entity_user), tender, S.OPENING)
    checkpoint = Checkpoint.objects.get(tender=tender, code="opening_on_time")
    tender.refresh_from_db()
    assert checkpoint.state == "green" and checkpoint.was_red and tender.was_red


@pytest.mark.django_db
def test_the_watch_page_lists_red_first_and_only_reads(client, entity_user, supervisor):
    from django.core.management import call_command

    from trading.audit.models import AuditEntry

    fine = published_tender(entity_user, title="Calm tender", deadline=clock.now() + 30 * DAY)
    overdue = published_tender(entity_user, title="Overdue tender", deadline=clock.now() + 30 * DAY)
    Tender.objects.filter(pk=overdue.pk).update(deadline=clock.now() - 2 * DAY)
    draft = draft_tender(entity_user, title="Quiet draft")
    call_command("checkpoint_watch")
    client.login(username=supervisor.username, password=PASSWORD)
    page = client.get(reverse("tenders:checkpoints")).content.decode()
    assert page.index("Overdue tender") < page.index("Calm tender")
    assert "has not started" in page and "was red" in page and draft.title not in page
    # A GET writes nothing: time moving on is the watch command's business, not the page's.
    entries = AuditEntry.objects.count()
    with clock.shifted(31 * DAY):
        client.get(reverse("tenders:checkpoints"))
        fine.refresh_from_db()
        assert not fine.was_red and AuditEntry.objects.count() == entries
        call_command("checkpoint_watch")
    fine.refresh_from_db()
    assert fine.was_red and Checkpoint.objects.get(tender=fine, code="opening_on_time").state == "red"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_who_sees_the_checkpoints(client, role, user_of, entity_user):
    mine = published_tender(entity_user, title="Own tender")
    theirs = published_tender(title="Tender of another entity")
    viewer = entity_user if role == "entity" else user_of(role)
    client.login(username=viewer.username, password=PASSWORD)
    response = client.get(reverse("tenders:checkpoints"))
    if role in {"contractor", "expert"}:
        assert response.status_code == 403
        return
    body = response.content.decode()
    assert response.status_code == 200 and mine.title in body
    assert (theirs.title in body) == (role != "entity")


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(reverse("tenders:checkpoints"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


@pytest.mark.django_db
def test_the_watch_command_turns_a_missed_opening_red_and_logs_it_without_anyone_looking(entity_user):
    from django.core.management import call_command

    from trading.audit.models import AuditEntry

    tender = published_tender(entity_user, title="Forgotten tender", deadline=clock.now() + 30 * DAY)
    finished = published_tender(entity_user, deadline=clock.now() + 30 * DAY)
    Tender.objects.filter(pk=finished.pk).update(status=S.CANCELLED)
    with clock.shifted(31 * DAY):
        call_command("checkpoint_watch")
    assert Checkpoint.objects.get(tender=tender, code="opening_on_time").state == "red"
    tender.refresh_from_db()
    assert tender.was_red
    assert AuditEntry.objects.filter(action="tenders.checkpoint", object_id=str(tender.pk),
                                     summary__state="red").exists()
    assert not Checkpoint.objects.filter(tender=finished, state="red").exists()
