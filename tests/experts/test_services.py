"""The committee draw and its aftermath through the services: refusals, audit entries, redraws, formation."""
import datetime as dt
import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from tests.factories import make_organisation, make_user
from tests.tenders.builders import published_tender
from trading.accounts.roles import OrganisationKind
from trading.audit.models import AuditEntry
from trading.bids.models import Bid
from trading.bids.opening.models import OpeningRecord
from trading.experts import selectors, services
from trading.experts.models import (Committee, DeclaredRelation, DrawCommitment, ExpertStatus, RelationKind, Seat,
                                    SeatStatus, Speciality)
from trading.tenders import clock

from .builders import (candidates_published, caller, declare_all, draw, entity_official, make_expert, make_pool,
                       past_committee, seated_committee, with_committee_size)

pytestmark = pytest.mark.django_db


def nothing_written(before):
    return not Committee.objects.exists() and AuditEntry.objects.count() == before


def messages(error):
    return {field: " ".join(texts) for field, texts in error.value.message_dict.items()}


# --- the commitment --------------------------------------------------------------------------------------------

def test_publication_fixes_a_secret_and_publishes_only_its_hash():
    tender = published_tender()
    commitment = DrawCommitment.objects.get(tender=tender)
    assert commitment.commitment == hashlib.sha256(commitment.secret.encode()).hexdigest()
    entry = AuditEntry.objects.get(action="experts.commit_draw")
    assert entry.summary == {"commitment": commitment.commitment} and entry.embargo == ""
    assert not AuditEntry.objects.filter(summary__icontains=commitment.secret).exists()
    assert commitment.secret not in str(list(AuditEntry.objects.values_list("summary", flat=True)))


# --- the draw --------------------------------------------------------------------------------------------------

def test_the_draw_seats_the_policy_number_from_the_committed_seed_and_records_how(tender):
    make_pool(9)
    committee = draw(tender)
    record = OpeningRecord.objects.get(tender=tender)
    secret = DrawCommitment.objects.get(tender=tender).secret
    assert committee.seed == hashlib.sha256((record.signature + secret).encode()).hexdigest()
    assert committee.size == 5 and committee.formed_at is None
    seats = list(committee.seats.all())
    assert len(seats) == 5 and {s.status for s in seats} == {SeatStatus.DRAWN} and {s.draw_round for s in seats} == {1}
    entry = AuditEntry.objects.get(action="experts.draw_committee")
    assert entry.embargo == f"committee:{tender.pk}" and entry.object_id == str(committee.pk)
    summary = entry.summary
    assert summary["seed"] == committee.seed and summary["round"] == 1 and summary["needed"] == 5
    assert [row[0] for row in summary["eligible"]] == sorted(row[0] for row in summary["eligible"])
    assert len(summary["eligible"]) == 9
    assert sorted(summary["drawn"]) == sorted(s.expert_id for s in seats)
    assert selectors.replay(summary) == summary["drawn"]
    assert selectors.verify_committee(tender) == []


def test_the_size_comes_from_the_tenders_stored_policy(tender):
    with_committee_size(tender, 7)
    make_pool(8)
    assert draw(tender).seats.count() == 7


@pytest.mark.parametrize("role", ["contractor", "supervisor", "discipline", "expert", "admin"])
def test_only_the_entity_draws(tender, role):
    make_pool(6)
    before = AuditEntry.objects.count()
    with pytest.raises(PermissionDenied, match="may not draw an evaluation committee"):
        draw(tender, by=make_user(role))
    assert nothing_written(before)


def test_another_entitys_tender_is_refused(tender):
    make_pool(6)
    before = AuditEntry.objects.count()
    with pytest.raises(PermissionDenied, match="belongs to another procuring entity"):
        draw(tender, by=make_user("entity"))
    assert nothing_written(before)


def test_no_draw_before_the_opening_record_is_signed():
    tender = published_tender()
    make_pool(6)
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as refused:
        draw(tender)
    assert "only while the tender is in evaluation" in messages(refused)["tender"]
    assert nothing_written(before)


def test_a_committee_is_drawn_once(tender):
    make_pool(12)
    draw(tender)
    with pytest.raises(ValidationError, match="already drawn"):
        draw(tender)


def test_too_few_eligible_experts_writes_nothing_and_says_how_many(tender):
    make_pool(4)
    make_expert(status=ExpertStatus.SUSPENDED)
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as refused:
        draw(tender)
    assert messages(refused) == {"pool": "Only 4 eligible experts of different employers for 5 seats; nothing was drawn."}
    assert nothing_written(before) and not Seat.objects.exists()


def test_a_speciality_nobody_eligible_has_is_named(tender):
    make_pool(6)
    make_expert(Speciality.LAW, on_leave_from=timezone.localdate(clock.now()) - dt.timedelta(days=1))
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as refused:
        draw(tender, specialities=[Speciality.BUILDING, Speciality.LAW])
    assert "Law and contracts" in messages(refused)["specialities"]
    assert nothing_written(before)


def test_each_required_speciality_gets_an_expert(tender):
    make_pool(10)
    water, law = make_expert(Speciality.WATER), make_expert(Speciality.LAW)
    committee = draw(tender, specialities=[Speciality.WATER, Speciality.BUILDING, Speciality.LAW])
    assert {water.pk, law.pk} <= set(committee.seats.values_list("expert_id", flat=True))
    assert committee.specialities == ["water", "building", "law"]


@pytest.mark.parametrize("specialities, message", [
    ([], "Choose at least one speciality"),
    (["astrology"], "There is no speciality 'astrology'"),
    ("building", "Choose the specialities"),
    (["building", "building", "water", "law", "cost", "medical", "municipal"], "At most 5 specialities"),
])
def test_bad_specialities_are_refused_on_their_field(tender, specialities, message):
    make_pool(6)
    with pytest.raises(ValidationError) as refused:
        draw(tender, specialities=specialities)
    assert message in messages(refused)["specialities"]


def test_the_entitys_representative_takes_one_seat_and_experts_keep_two_thirds(tender):
    make_pool(6)
    representative = make_user("entity", organisation=tender.project.entity)
    committee = draw(tender, representative=representative)
    seats = committee.seats.all()
    assert seats.count() == 5 and seats.filter(expert__isnull=False).count() == 4
    seat = seats.get(is_representative=True)
    assert seat.user == representative and seat.status == SeatStatus.SEATED
    assert AuditEntry.objects.get(action="experts.draw_committee").summary["needed"] == 4
    assert selectors.may_see_names(representative, tender)
    assert not selectors.may_see_names(entity_official(tender), tender)


@pytest.mark.parametrize("who", ["another entity's official", "a contractor", "an inactive official"])
def test_a_representative_from_elsewhere_is_refused(tender, who):
    make_pool(6)
    representative = {"another entity's official": lambda: make_user("entity"),
                      "a contractor": lambda: make_user("contractor"),
                      "an inactive official": lambda: make_user("entity", organisation=tender.project.entity,
                                                                is_active=False)}[who]()
    with pytest.raises(ValidationError) as refused:
        draw(tender, representative=representative.pk)
    assert "active official of this tender's procuring entity" in messages(refused)["representative"]
    assert not Committee.objects.exists()


def test_no_seat_for_a_representative_when_experts_would_fall_below_two_thirds(tender):
    with_committee_size(tender, 3)
    make_pool(4)
    # 2 experts of 3 seats is exactly two thirds: allowed.
    assert draw(tender, representative=make_user("entity", organisation=tender.project.entity)).seats.count() == 3


# --- eligibility -----------------------------------------------------------------------------------------------

def test_conflicted_absent_and_overused_experts_are_never_drawn(tender):
    today = timezone.localdate(clock.now())  # the draw's date where the platform is, not UTC's
    entity = tender.project.entity
    bidder = Bid.objects.filter(tender=tender).first().bidder
    employer = make_organisation(OrganisationKind.CONTRACTOR)
    eligible = make_pool(3) + [make_expert(employer=employer), make_expert(employer_name="Tongji University")]
    old = make_expert()
    DeclaredRelation.objects.create(expert=old, organisation=bidder, kind=RelationKind.EMPLOYED,
                                    until=today - dt.timedelta(days=4 * 365), declared_at=clock.now())
    eligible.append(old)
    excluded = [
        make_expert(employer=bidder), make_expert(employer=entity), make_expert(employer_name=f"  {bidder.name.upper()} "),
        make_expert(status=ExpertStatus.SUSPENDED), make_expert(status=ExpertStatus.RETIRED),
        make_expert(on_leave_from=today, on_leave_until=today + dt.timedelta(days=3)),
        make_expert(on_leave_until=today), make_expert(on_leave_from=today - dt.timedelta(days=9)),
        make_expert(employer=employer),  # second of one employer: at most one of the two is drawn
        make_expert(employer_name="tongji  university"),
    ]
    for kind, until in ((RelationKind.RELATED, None), (RelationKind.EMPLOYED, today - dt.timedelta(days=2 * 365))):
        related = make_expert()
        DeclaredRelation.objects.create(expert=related, organisation=bidder, kind=kind, until=until,
                                        declared_at=clock.now())
        excluded.append(related)
    inactive = make_expert()
    inactive.user.is_active = False
    inactive.user.save()
    excluded.append(inactive)
    # An expert who sat three times (the policy's limit) for this entity in the last 12 months.
    frequent = make_expert()
    for n in range(3):
        past = past_committee(tender, f"PAST-{n}")
        Seat.objects.create(committee=past, user=frequent.user, expert=frequent, status=SeatStatus.SEATED,
                            drawn_at=clock.now() - dt.timedelta(days=100 * n))
    excluded.append(frequent)
    pool = selectors.eligible_pool(tender)
    assert set(pool.ids) == {p.pk for p in eligible} | {excluded[8].pk, excluded[9].pk}
    drawn = set(draw(tender).seats.values_list("expert_id", flat=True))
    assert len(drawn) == 5 and not drawn & {p.pk for p in excluded[:8] + excluded[10:]}
    # Of two colleagues at most one (their employer may also be the one group of six left out of five seats).
    assert len(drawn & {eligible[3].pk, excluded[8].pk}) <= 1 and len(drawn & {eligible[4].pk, excluded[9].pk}) <= 1


def test_a_registered_employer_and_the_same_name_typed_are_one_employer(tender):
    university = make_organisation(OrganisationKind.AUTHORITY, name="Tongji University")
    registered, typed, other = (make_expert(employer=university), make_expert(employer_name=" tongji UNIVERSITY"),
                                make_expert())
    groups = selectors.eligible_pool(tender).employer_of()
    assert groups[registered.pk] == groups[typed.pk] == min(registered.pk, typed.pk) != groups[other.pk]


def test_sittings_older_than_a_year_do_not_count(tender):
    expert = make_expert()
    for n in range(3):
        past = past_committee(tender, f"OLD-{n}")
        Seat.objects.create(committee=past, user=expert.user, expert=expert, status=SeatStatus.SEATED,
                            drawn_at=clock.now() - dt.timedelta(days=370 + n))
    assert expert.pk in selectors.eligible_pool(tender).ids


# --- declarations and redraws ----------------------------------------------------------------------------------

def test_every_expert_declaring_no_conflict_forms_the_committee(tender):
    make_pool(7)
    committee = draw(tender)
    seats = list(committee.seats.all())
    for seat in seats[:-1]:
        services.declare(caller(seat.user), seat.pk, False)
    committee.refresh_from_db()
    assert committee.formed_at is None
    services.declare(caller(seats[-1].user), seats[-1].pk, False)
    committee.refresh_from_db()
    assert committee.formed_at is not None
    assert set(committee.seats.values_list("status", flat=True)) == {SeatStatus.SEATED}
    entries = AuditEntry.objects.filter(action="experts.declare_no_conflict")
    assert entries.count() == 5 and [e.summary["formed"] for e in entries] == [False] * 4 + [True]
    assert {e.embargo for e in entries} == {f"committee:{tender.pk}"}


def test_declaring_a_conflict_recuses_and_draws_the_seat_again(tender):
    make_pool(8)
    committee = draw(tender)
    seat = committee.seats.first()
    with pytest.raises(ValidationError) as refused:
        services.declare(caller(seat.user), seat.pk, True, "")
    assert "required" in messages(refused)["statement"]
    result = services.declare(caller(seat.user), seat.pk, True, "My brother runs one of the bidders.")
    seat.refresh_from_db()
    assert seat.status == SeatStatus.RECUSED and seat.reason == "My brother runs one of the bidders."
    assert len(result.new_seats) == 1 and result.new_seats[0].draw_round == 2 and not result.problem
    assert result.new_seats[0].expert_id != seat.expert_id
    assert committee.seats.filter(status__in=selectors.ACTIVE_SEATS).count() == 5
    assert list(AuditEntry.objects.filter(action__startswith="experts.").values_list("action", flat=True))[-2:] == [
        "experts.declare_conflict", "experts.redraw"]
    assert AuditEntry.objects.get(action="experts.redraw").summary["round"] == 2
    assert selectors.verify_committee(tender) == []


def test_a_decline_by_the_expert_or_recorded_by_the_entity_draws_again(tender):
    make_pool(9)
    committee = draw(tender)
    first, second = committee.seats.all()[:2]
    services.decline_seat(caller(first.user), first.pk, "Abroad that week.")
    services.decline_seat(caller(entity_official(tender)), second.pk, "Declined by phone.")
    assert set(committee.seats.filter(draw_round__gt=1).values_list("draw_round", flat=True)) == {2, 3}
    assert AuditEntry.objects.filter(action="experts.decline").count() == 2
    assert selectors.verify_committee(tender) == []
    with pytest.raises(ValidationError, match="already"):
        services.decline_seat(caller(first.user), first.pk, "Again.")


def test_an_absence_after_formation_unforms_the_committee_until_the_new_expert_declares(tender):
    make_pool(8)
    committee = seated_committee(tender, pool=[])
    assert committee.formed_at is not None
    seat = committee.seats.first()
    result = services.record_absence(caller(entity_official(tender)), seat.pk, "Did not come to the sitting.")
    committee.refresh_from_db()
    assert committee.formed_at is None and result.new_seats
    declare_all(committee)
    assert committee.formed_at is not None
    assert selectors.verify_committee(tender) == []


def test_a_redraw_that_finds_nobody_leaves_the_seat_vacant_until_the_entity_draws_it(tender):
    make_pool(5)
    committee = draw(tender)
    seat = committee.seats.first()
    result = services.decline_seat(caller(seat.user), seat.pk, "Ill.")
    assert result.new_seats == [] and "Only 0 eligible experts" in result.problem
    assert selectors.vacancies(committee) == 1
    with pytest.raises(ValidationError, match="Only 0 eligible"):
        services.fill_vacancies(caller(entity_official(tender)), tender)
    make_expert()
    assert len(services.fill_vacancies(caller(entity_official(tender)), tender)) == 1
    with pytest.raises(ValidationError, match="nothing to draw"):
        services.fill_vacancies(caller(entity_official(tender)), tender)
    assert selectors.verify_committee(tender) == []


def test_a_redraw_keeps_the_required_speciality_that_left(tender):
    make_pool(8)
    water = make_expert(Speciality.WATER)
    committee = draw(tender, specialities=[Speciality.WATER])
    water_seat = committee.seats.get(expert=water)  # the only water expert: drawn first
    second = make_expert(Speciality.WATER)
    services.decline_seat(caller(water.user), water_seat.pk, "Busy.")
    assert committee.seats.get(draw_round=2).expert == second
    assert AuditEntry.objects.get(action="experts.redraw").summary["required"] == ["water"]


def test_experts_answer_only_for_their_own_seats_and_the_entity_never_declares(tender):
    make_pool(6)
    committee = draw(tender)
    mine, other = committee.seats.all()[:2]
    with pytest.raises(Http404):
        services.declare(caller(mine.user), other.pk, False)
    with pytest.raises(Http404):
        services.decline_seat(caller(make_user("entity")), mine.pk, "Not yours.")
    with pytest.raises(PermissionDenied):
        services.declare(caller(entity_official(tender)), mine.pk, False)
    with pytest.raises(PermissionDenied):
        services.record_absence(caller(make_user("supervisor")), mine.pk, "Not theirs.")
    with pytest.raises(ValidationError) as refused:
        services.record_absence(caller(entity_official(tender)), mine.pk, "")
    assert "required" in messages(refused)["reason"]


def test_the_representatives_seat_is_not_drawn_again(tender):
    make_pool(6)
    representative = make_user("entity", organisation=tender.project.entity)
    committee = draw(tender, representative=representative)
    seat = committee.seats.get(is_representative=True)
    with pytest.raises(ValidationError, match="named, not drawn"):
        services.record_absence(caller(entity_official(tender)), seat.pk, "Away.")


def test_seats_change_only_during_evaluation(tender):
    make_pool(6)
    committee = seated_committee(tender, pool=[])
    candidates_published(tender)
    seat = committee.seats.first()
    with pytest.raises(ValidationError) as refused:
        services.record_absence(caller(seat.user), seat.pk, "Too late.")
    assert "only while the tender is in evaluation" in messages(refused)["tender"]


# --- the expert's own profile ----------------------------------------------------------------------------------

def test_an_expert_keeps_leave_and_relations_and_each_change_is_audited():
    profile = make_expert()
    me = caller(profile.user)
    services.update_availability(me, "2027-01-10", "2027-01-20")
    profile.refresh_from_db()
    assert str(profile.on_leave_from) == "2027-01-10"
    with pytest.raises(ValidationError) as refused:
        services.update_availability(me, "2027-01-20", "2027-01-10")
    assert "before the leave start date" in messages(refused)["on_leave_until"]
    organisation = make_organisation(OrganisationKind.CONTRACTOR)
    relation = services.declare_relation(me, organisation.credit_code.lower(), RelationKind.EMPLOYED, "2020-01-01")
    assert relation.organisation == organisation and relation.until is None
    with pytest.raises(ValidationError) as refused:
        services.declare_relation(me, "91330100NOTHERE000", "friend")
    assert set(messages(refused)) == {"credit_code", "kind"}
    services.end_relation(me, relation.pk, dt.date(2024, 6, 30))
    with pytest.raises(ValidationError, match="already ended"):
        services.end_relation(me, relation.pk, dt.date(2024, 7, 1))
    with pytest.raises(Http404):
        services.end_relation(caller(make_expert().user), relation.pk, dt.date(2024, 7, 1))
    assert list(AuditEntry.objects.values_list("action", flat=True)) == [
        "experts.update_availability", "experts.declare_relation", "experts.end_relation"]


def test_an_expert_without_a_profile_and_other_roles_are_told_why():
    with pytest.raises(PermissionDenied, match="has not set up your expert profile"):
        services.update_availability(caller(make_user("expert")), None, None)
    with pytest.raises(PermissionDenied, match="may not keep an expert's availability"):
        services.update_availability(caller(make_user("contractor")), None, None)
