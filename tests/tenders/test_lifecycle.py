"""The lifecycle table: the only legal moves, a clear error for every other one, and a trace of each step."""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import make_organisation
from trading.accounts.roles import OrganisationKind
from trading.audit.models import AuditEntry
from trading.tenders.moves import move_tender
from trading.tenders import clock, lifecycle, services
from trading.tenders.models import StatusChange, Tender, TenderStatus as S

from .builders import draft_tender, published_tender
from .conftest import as_caller

pytestmark = pytest.mark.django_db


def walk(entity_user, tender, *statuses):
    for status in statuses:
        move_tender(as_caller(entity_user), tender, status, "test step")
    return tender


def test_every_illegal_move_names_both_statuses(entity_user):
    tender = draft_tender(entity_user)
    for target in (S.BIDDING_CLOSED, S.OPENING, S.EVALUATION, S.CANDIDATES, S.AWARDED, S.COMPLETE, S.FAILED):
        with pytest.raises(ValidationError) as error:
            move_tender(as_caller(entity_user), tender, target)
        message = error.value.message_dict["status"][0]
        assert "Draft" in message and str(target.label) in message
    tender.refresh_from_db()
    assert tender.status == S.DRAFT and not StatusChange.objects.filter(tender=tender).exists()


def test_terminal_statuses_go_nowhere():
    for status in lifecycle.TERMINAL:
        assert lifecycle.TRANSITIONS[status] == set()
    assert set(lifecycle.TRANSITIONS) == set(S)


def test_the_full_road_to_complete_is_recorded(entity_user):
    tender = published_tender(entity_user, deadline=clock.now() - dt.timedelta(minutes=1))
    walk(entity_user, tender, S.BIDDING_CLOSED, S.OPENING, S.EVALUATION, S.CANDIDATES)
    winner = make_organisation(OrganisationKind.CONTRACTOR)
    # what the award room's service writes before it moves the tender (tests/award walks the real road)
    Tender.objects.filter(pk=tender.pk).update(winner=winner, awarded_amount=Decimal("950000.00"))
    walk(entity_user, tender, S.AWARDED)
    # Complete comes from the contract room (acceptance of the works), never from a bare move by the entity.
    with pytest.raises(ValidationError) as error:
        services.transition(as_caller(entity_user), tender, S.COMPLETE, "Contract signed")
    assert "contract room" in error.value.message_dict["status"][0]
    walk(entity_user, tender, S.COMPLETE)
    tender.refresh_from_db()
    assert tender.status == S.COMPLETE and tender.winner == winner and tender.awarded_amount == Decimal("950000.00")
    assert tender.opened_at is not None
    steps = list(StatusChange.objects.filter(tender=tender).values_list("to_status", flat=True))
    assert steps == [S.PUBLISHED, S.BIDDING_CLOSED, S.OPENING, S.EVALUATION, S.CANDIDATES, S.AWARDED, S.COMPLETE]
    assert AuditEntry.objects.filter(action="tenders.transition", object_id=str(tender.pk)).count() == len(steps)


def test_bidding_cannot_close_before_the_deadline(entity_user):
    tender = published_tender(entity_user)
    with pytest.raises(ValidationError) as error:
        move_tender(as_caller(entity_user), tender, S.BIDDING_CLOSED)
    assert "deadline" in error.value.message_dict["status"][0]
    with clock.shifted(dt.timedelta(days=31)):
        move_tender(as_caller(entity_user), tender, S.BIDDING_CLOSED)
    assert tender.status == S.BIDDING_CLOSED


def test_a_failed_procedure_stays_failed(entity_user):
    tender = published_tender(entity_user, deadline=clock.now() - dt.timedelta(minutes=1))
    walk(entity_user, tender, S.BIDDING_CLOSED, S.OPENING, S.FAILED)
    with pytest.raises(ValidationError, match="Failed"):
        move_tender(as_caller(entity_user), tender, S.EVALUATION)


def test_publication_only_through_its_service(entity_user):
    tender = draft_tender(entity_user)
    with pytest.raises(ValidationError) as error:
        services.transition(as_caller(entity_user), tender, S.PUBLISHED)
    assert "publication" in error.value.message_dict["status"][0]


def test_unknown_status_is_a_field_error(entity_user):
    tender = draft_tender(entity_user)
    with pytest.raises(ValidationError) as error:
        services.transition(as_caller(entity_user), tender, "teleported")
    assert "teleported" in error.value.message_dict["status"][0]


def test_no_tender_is_awarded_without_an_award(entity_user):
    tender = published_tender(entity_user, deadline=clock.now() - dt.timedelta(minutes=1))
    walk(entity_user, tender, S.BIDDING_CLOSED, S.OPENING, S.EVALUATION, S.CANDIDATES)
    with pytest.raises(ValidationError) as error:
        move_tender(as_caller(entity_user), tender, S.AWARDED)
    assert "award" in error.value.message_dict["status"][0]
    with pytest.raises(ValidationError) as error:
        services.transition(as_caller(entity_user), tender, S.AWARDED)
    assert "candidate notice" in error.value.message_dict["status"][0]
    tender.refresh_from_db()
    assert tender.status == S.CANDIDATES and tender.winner is None


def test_direct_transitions_need_the_entity_of_the_tender(entity_user, supervisor):
    tender = published_tender(entity_user)
    other_entity = published_tender().project.created_by
    with pytest.raises(PermissionDenied):
        services.transition(as_caller(supervisor), tender, S.CANCELLED, "no")
    with pytest.raises(PermissionDenied):
        services.transition(as_caller(other_entity), tender, S.CANCELLED, "not mine")
    assert services.cancel_tender(as_caller(entity_user), tender, "Budget withdrawn").status == S.CANCELLED
