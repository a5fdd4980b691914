"""The permission matrix over every action of the rooms after the opening (issue 11): complaints, contracts,
credit, bid security and the award. Each action has its row with exactly these roles and words for a refusal, a
new action of these rooms without a row here fails, and every role the matrix leaves out (the finance staff
included) is refused by the service itself, for pages, the API and commands alike."""
import datetime as dt

import pytest
from django.contrib.admin.sites import site as admin_site
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from tests.award.builders import reported
from tests.bids.builders import give_holder_key
from tests.deposits.builders import declare
from tests.factories import make_user
from tests.tenders.builders import published_tender
from trading.accounts.caller import Caller
from trading.accounts.permissions import ACTION_LABELS, MATRIX
from trading.accounts.roles import Role
from trading.award import services as award
from trading.credit import services as credit
from trading.deposits import services as deposits
from trading.deposits.models import Bank, SecurityPayment
from trading.tenders import clock

pytestmark = pytest.mark.django_db
C, E, S, D, F = Role.CONTRACTOR, Role.ENTITY, Role.SUPERVISOR, Role.DISCIPLINE, Role.FINANCE

ROWS = {
    # complaints
    "question.ask": {C}, "question.answer": {E},
    "document_objection.file": {C}, "document_objection.answer": {E},
    "complaint.file": {C}, "complaint.handle": {S}, "complaint.read_all": {S, D},
    # contracts and post-award checks
    "contract.conclude": {E}, "contract.amend": {E}, "contract.approve": {S}, "contract.progress": {E},
    "contract.rate": {E}, "contract.check_in": {C}, "contract.attendance": {E, S}, "contract.subcontract": {C},
    "contract.watch": {S, D},
    # credit and debarment
    "credit.manage": {S},
    # bid security
    "security.pay": {C}, "security.view": {F, S, D}, "security.confirm": {F}, "security.refund": {F},
    "security.forfeit": {E}, "bank.manage": {Role.ADMIN},
    # the award: bidders object to the candidates; the entity moves its tender on (notice, answers, award)
    "candidate.object": {C}, "tender.advance": {E},
}
ROOM_PREFIXES = ("question.", "document_objection.", "complaint.", "contract.", "credit.", "security.", "bank.",
                 "candidate.")


def test_every_action_of_the_rooms_has_its_row_with_exactly_these_roles_and_words():
    assert {action: MATRIX[action] for action in ROWS} == ROWS
    assert all(str(ACTION_LABELS[action]) for action in ROWS)
    unlisted = {action for action in MATRIX if action.startswith(ROOM_PREFIXES)} - set(ROWS)
    assert not unlisted, f"actions without a row in this matrix test: {sorted(unlisted)}"


def refused(write):
    try:
        write()
    except PermissionDenied:
        return True
    except Exception:  # refused for another reason (the object, its state): the role itself passed the matrix
        return False
    return False


def call(user):
    return Caller(user=user, ip="203.0.113.77", user_agent="pytest")


@pytest.fixture
def security_world():
    entity = give_holder_key(make_user("entity"))
    tender = published_tender(entity_user=entity, holders=[entity, give_holder_key(make_user("supervisor"))],
                              key_threshold=2, title="Harbour wall")
    return tender, declare(make_user("contractor"), tender)


@pytest.mark.parametrize("role", list(Role))
def test_every_bid_security_write_refuses_the_roles_the_matrix_leaves_out(role, security_world):
    tender, payment = security_world
    user = make_user(role)
    writes = {
        "security.pay": lambda: deposits.declare_payment(call(user), tender.pk, paying_account="6222021012345678",
                                                         reference="BS-ROLE"),
        "security.confirm": lambda: deposits.confirm_payment(call(user), payment.pk, received_at=clock.now(),
                                                             amount=payment.amount),
        "security.refund": lambda: deposits.refund(call(user), payment.pk, refund_reference="RF-ROLE"),
        "security.forfeit": lambda: deposits.forfeit(call(user), payment.pk, ground="refused_award", reason="x"),
    }
    for action, write in writes.items():
        if role not in MATRIX[action]:
            assert refused(write), (action, role)
    payment.refresh_from_db()
    assert payment.status == "declared"  # no refused write changed it
    if role not in MATRIX["security.pay"]:
        assert SecurityPayment.objects.filter(tender=tender).count() == 1


@pytest.mark.parametrize("role", list(Role))
def test_only_administrators_register_the_banks_that_notify_payments(role):
    user = make_user(role)
    user.is_staff = True  # as the admin site requires; the matrix still decides
    user.save()
    request = RequestFactory().get("/admin/deposits/bank/")
    request.user = user
    bank_admin = admin_site._registry[Bank]
    assert bank_admin.has_add_permission(request) == (role in MATRIX["bank.manage"])


@pytest.mark.parametrize("role", list(Role))
def test_every_award_write_refuses_the_roles_the_matrix_leaves_out(role):
    a = reported()
    user = make_user(role)
    writes = {
        "tender.advance": lambda: award.publish_candidate_notice(call(user), a.tender.pk),
        "candidate.object": lambda: award.file_objection(call(user), a.tender.pk, "The first candidate is busy."),
    }
    for action, write in writes.items():
        if role not in MATRIX[action]:
            assert refused(write), (action, role)
    notice = a.publish()
    objection = a.object()
    later = {
        "answer": lambda: award.answer_objection(call(user), objection.pk, "Checked.", "dismissed"),
        "award": lambda: award.award(call(user), a.tender.pk, a.bids[0].pk),
    }
    if role not in MATRIX["tender.advance"]:
        with clock.frozen_at(notice.closes_at):
            assert refused(later["answer"]) and refused(later["award"]), role
    objection.refresh_from_db()
    assert objection.answered_at is None and not a.tender.awards.exists()


@pytest.mark.parametrize("role", list(Role))
def test_only_supervisors_write_a_firms_credit_record(role):
    user, firm = make_user(role), make_user("contractor").organisation
    now = clock.now()
    writes = [
        lambda: credit.record_penalty(call(user), firm.pk, summary="Fined.", decision="Decision 1"),
        lambda: credit.record_debarment(call(user), firm.pk, decision="Decision 2", reason="Rigging.",
                                        starts_at=now, ends_at=now + dt.timedelta(days=30)),
    ]
    for write in writes:
        assert refused(write) == (role not in MATRIX["credit.manage"]), role
