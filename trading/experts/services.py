"""Every write on the expert pool and the committees, one function per use case.

The draw itself is the pure `draw.draw`; these functions decide who is eligible, store the seats and
record in the audit log everything needed to draw again (seed, round, the eligible experts, the ids
drawn). Entries that name committee members carry the embargo key "committee:<tender>" until the
candidate notice, so readers of the log learn no member before the public does.
"""
import datetime as dt
import secrets
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from trading.accounts.models import Organisation, User
from trading.accounts.permissions import allowed, authorize
from trading.accounts.roles import Role
from trading.audit.services import record
from trading.bids.content import as_row_id
from trading.tenders import clock, rules
from trading.tenders.models import Tender, TenderStatus
from trading.tenders.selectors import is_own, tender_policy
from trading.tenders.services import check_own

from . import draw, selectors
from .models import (Committee, DeclaredRelation, DrawCommitment, ExpertProfile, RelationKind, Seat, SeatStatus,
                     Speciality)

MAX_REASON = 500


@dataclass
class SeatOutcome:
    """What became of a seat; when it was given up, the seats drawn in its place, or why none could be drawn yet."""

    seat: Seat
    new_seats: list = field(default_factory=list)
    problem: str = ""


# --- the commitment, at publication ----------------------------------------------------------

def commit_draw(caller, tender):
    """Fix the tender's draw secret and publish its hash (inside publish_tender's transaction)."""
    secret = secrets.token_hex(32)
    commitment, created = DrawCommitment.objects.get_or_create(
        tender=tender, defaults={"secret": secret, "commitment": draw.commitment_of(secret), "created_at": clock.now()})
    if created:
        record(caller, "experts.commit_draw", tender, commitment=commitment.commitment)
    return commitment


# --- the expert's own profile ----------------------------------------------------------------

def _day(errors, name, value):
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            value = None
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        errors[name] = _("Enter a date (YYYY-MM-DD).")
        return None
    return value


def _in_order(errors, first_label, first, last_field, last):
    if first and last and last < first:
        errors[last_field] = _("This date is before the %(field)s date.") % {"field": first_label}


def _span(errors, first_label, first_field, first, last_field, last):
    """Two optional dates, the second not before the first."""
    first, last = _day(errors, first_field, first), _day(errors, last_field, last)
    _in_order(errors, first_label, first, last_field, last)
    return first, last


def update_availability(caller, on_leave_from, on_leave_until):
    """The expert says when they are on leave (both empty: available)."""
    profile = selectors.profile_for(caller.user)
    errors = {}
    on_leave_from, on_leave_until = _span(errors, _("leave start"), "on_leave_from", on_leave_from,
                                          "on_leave_until", on_leave_until)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        profile = ExpertProfile.objects.select_for_update().get(pk=profile.pk)
        profile.on_leave_from, profile.on_leave_until = on_leave_from, on_leave_until
        profile.save(update_fields=["on_leave_from", "on_leave_until", "updated_at"])
        record(caller, "experts.update_availability", profile, on_leave_from=on_leave_from,
               on_leave_until=on_leave_until)
    return profile


def declare_relation(caller, credit_code, kind, since=None, until=None):
    """The expert declares an organisation they worked for or are related to (a conflict for 3 years after)."""
    profile = selectors.profile_for(caller.user)
    errors = {}
    credit_code = rules.text(errors, "credit_code", credit_code, 18).upper()
    organisation = Organisation.objects.filter(credit_code=credit_code).first() if credit_code else None
    if organisation is None and "credit_code" not in errors:
        errors["credit_code"] = _("No organisation with this unified social credit code is registered on the platform.")
    kind = rules.choice(errors, "kind", kind, RelationKind)
    since, until = _span(errors, _("since"), "since", since, "until", until)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        relation = DeclaredRelation.objects.create(expert=profile, organisation=organisation, kind=kind, since=since,
                                                   until=until, declared_at=clock.now())
        record(caller, "experts.declare_relation", profile, relation=relation.pk, organisation=organisation.pk,
               kind=kind, since=since, until=until)
    return relation


def end_relation(caller, relation_id, until):
    """The expert says a declared relation ended (it still counts for 3 years after that day)."""
    profile = selectors.profile_for(caller.user)
    errors = {}
    until = _day(errors, "until", until)
    if until is None and "until" not in errors:
        errors["until"] = _("This field is required.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        relation = DeclaredRelation.objects.select_for_update().filter(expert=profile, pk=as_row_id(relation_id)).first()
        if relation is None:
            raise Http404(_("No such declaration."))
        if relation.until is not None:
            raise ValidationError({"until": _("This relation has already ended.")})
        _in_order(errors, _("since"), relation.since, "until", until)
        if errors:
            raise ValidationError(errors)
        relation.until = until
        relation.save(update_fields=["until"])
        record(caller, "experts.end_relation", profile, relation=relation.pk, until=until)
    return relation


# --- the draw --------------------------------------------------------------------------------

def _clean_specialities(errors, values):
    if isinstance(values, str) or not isinstance(values, (list, tuple)):
        errors["specialities"] = _("Choose the specialities the committee needs.")
        return []
    cleaned = []
    for value in values:
        if value not in Speciality.values:
            errors["specialities"] = _("There is no speciality %(value)r.") % {"value": str(value)[:40]}
            return []
        if value not in cleaned:
            cleaned.append(value)
    if not cleaned:
        errors["specialities"] = _("Choose at least one speciality the committee needs.")
    return cleaned


def _clean_representative(errors, tender, representative):
    if representative in (None, ""):
        return None
    if not isinstance(representative, User):
        pk = as_row_id(representative)
        representative = User.objects.filter(pk=pk).first() if pk else None
    if (representative is None or not representative.is_active or representative.role != Role.ENTITY
            or not is_own(representative, tender)):
        errors["representative"] = _("The representative must be an active official of this tender's procuring "
                                     "entity.")
        return None
    return representative


def _check_drawing_entity(caller, tender):
    authorize(caller.user, "committee.draw")
    check_own(caller.user, tender)


def _lock_tender(tender):
    tender = Tender.objects.select_for_update().select_related("project").filter(pk=tender.pk).first()
    if tender is None:
        raise Http404(_("No such tender."))
    return tender


def _require_evaluation(tender):
    if tender.status != TenderStatus.EVALUATION:
        raise ValidationError({"tender": _("The committee is drawn and changed only while the tender is in "
                                           "evaluation (status: %(status)s).") % {"status": tender.get_status_display()}})


def _shortfall_error(shortfall):
    if shortfall.speciality:
        return ValidationError({"specialities": _(
            "No eligible expert of the speciality “%(speciality)s” is free for this committee; nothing was drawn."
        ) % {"speciality": Speciality(shortfall.speciality).label}})
    return ValidationError({"pool": _(
        "Only %(found)d eligible experts of different employers for %(needed)d seats; nothing was drawn."
    ) % {"found": shortfall.found, "needed": shortfall.needed}})


def _draw_round(caller, committee, round_no, needed, required, now, action):
    """Draw `needed` experts for `committee` in round `round_no`; store their seats and the audit entry."""
    pool = selectors.eligible_pool(committee.tender, committee, now)
    try:
        drawn = draw.draw(committee.seed, round_no, pool.ids, needed, required, pool.specialities_of(required),
                          pool.employer_of())
    except draw.Shortfall as shortfall:
        raise _shortfall_error(shortfall) from None
    seats = [Seat.objects.create(committee=committee, user=pool.experts[i].user, expert=pool.experts[i],
                                 draw_round=round_no, drawn_at=now) for i in drawn]
    record(caller, action, committee, embargo=selectors.embargo_key(committee.tender), tender=committee.tender_id,
           seed=committee.seed, round=round_no, needed=needed, required=list(required),
           eligible=pool.summary(required), drawn=drawn)
    return seats


def draw_committee(caller, tender, specialities, representative=None):
    """The tender's entity draws its evaluation committee from the pool, after the opening record is signed.

    The committee has the policy's number of members; an own representative takes one seat only if
    the experts still hold at least two thirds of them.
    """
    _check_drawing_entity(caller, tender)
    errors = {}
    specialities = _clean_specialities(errors, specialities)
    representative = _clean_representative(errors, tender, representative)
    size = tender_policy(tender).thresholds["committee_size"]
    needed = size - (1 if representative else 0)
    if representative and needed * 3 < size * 2:
        errors["representative"] = _("Experts must hold at least two thirds of the %(size)d seats: there is no seat "
                                     "for a representative.") % {"size": size}
    if len(specialities) > needed:
        errors["specialities"] = _("At most %(n)d specialities: one expert each at least.") % {"n": needed}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        tender = _lock_tender(tender)
        _require_evaluation(tender)
        signature = selectors.opening_signature(tender)
        commitment = selectors.commitment_of(tender)
        if signature is None:
            raise ValidationError({"tender": _("The opening record is not signed yet: the draw's seed depends on it.")})
        if commitment is None:
            raise ValidationError({"tender": _("This tender was published without a draw commitment, so its "
                                               "committee cannot be drawn verifiably on the platform.")})
        if Committee.objects.filter(tender=tender).exists():
            raise ValidationError({"tender": _("The committee of this tender was already drawn.")})
        now = clock.now()
        committee = Committee.objects.create(tender=tender, size=size, specialities=specialities,
                                             representative=representative, created_at=now,
                                             seed=draw.seed_of(signature, commitment.secret))
        if representative:
            Seat.objects.create(committee=committee, user=representative, is_representative=True,
                                status=SeatStatus.SEATED, drawn_at=now, declared_at=now)
        _draw_round(caller, committee, 1, needed, specialities, now, "experts.draw_committee")
    return committee


def _next_round(committee):
    return max(committee.seats.values_list("draw_round", flat=True), default=0) + 1


def _refill(caller, committee, now):
    """Draw the vacant expert seats in the next round; nothing is drawn if there is no vacancy."""
    needed = selectors.experts_needed(committee) - committee.seats.filter(
        status__in=selectors.ACTIVE_SEATS, is_representative=False).count()
    if needed <= 0:
        return []
    return _draw_round(caller, committee, _next_round(committee), needed,
                       selectors.uncovered_specialities(committee), now, "experts.redraw")


def fill_vacancies(caller, tender):
    """The entity draws again the seats a redraw could not fill (for instance when too few experts were free)."""
    _check_drawing_entity(caller, tender)
    with transaction.atomic():
        tender = _lock_tender(tender)
        _require_evaluation(tender)
        committee = Committee.objects.select_for_update().filter(tender=tender).first()
        if committee is None:
            raise ValidationError({"tender": _("No committee was drawn for this tender yet.")})
        seats = _refill(caller, committee, clock.now())
        if not seats:
            raise ValidationError({"tender": _("Every seat of the committee is taken: there is nothing to draw.")})
    return seats


# --- declarations, declines, absences ----------------------------------------------------------

def _lock_seat(caller, seat_id, statuses):
    """Lock the seat's tender, committee and seat, in that order; only while the tender is in evaluation."""
    seat = Seat.objects.select_related("committee__tender__project").filter(pk=as_row_id(seat_id)).first()
    if seat is None or not _may_act_on(caller.user, seat):
        raise Http404(_("No such seat."))
    tender = _lock_tender(seat.committee.tender)
    _require_evaluation(tender)
    committee = Committee.objects.select_for_update().get(pk=seat.committee_id)
    seat = Seat.objects.select_for_update().get(pk=seat.pk)
    seat.committee, committee.tender = committee, tender
    if seat.status not in statuses:
        raise ValidationError({"seat": _("This seat is already “%(status)s”.") % {"status": seat.get_status_display()}})
    return seat


def _may_act_on(user, seat):
    """Experts act on their own seats, the tender's entity on its committee's seats; nobody else finds them."""
    if allowed(user, "expert.declare"):
        return seat.user_id == user.pk
    return allowed(user, "committee.draw") and is_own(user, seat.committee.tender)


def _maybe_form(committee, now):
    seats = committee.seats.values_list("status", flat=True)
    seated = sum(1 for status in seats if status == SeatStatus.SEATED)
    if committee.formed_at is None and seated == committee.size and SeatStatus.DRAWN not in seats:
        committee.formed_at = now
        committee.save(update_fields=["formed_at"])
        return True
    return False


def declare(caller, seat_id, conflict, statement=""):
    """A drawn expert signs the declaration: no conflict (seated), or a conflict (recused, and a redraw)."""
    authorize(caller.user, "expert.declare")
    errors = {}
    rules.yes_no(errors, "conflict", conflict)
    statement = rules.text(errors, "statement", statement, MAX_REASON, required=conflict is True)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        seat = _lock_seat(caller, seat_id, (SeatStatus.DRAWN,))
        if conflict:
            return _vacate(caller, seat, SeatStatus.RECUSED, statement, "experts.declare_conflict")
        now = clock.now()
        seat.status, seat.declared_at, seat.reason = SeatStatus.SEATED, now, statement
        seat.save(update_fields=["status", "declared_at", "reason"])
        formed = _maybe_form(seat.committee, now)
        record(caller, "experts.declare_no_conflict", seat.committee, embargo=selectors.embargo_key(seat.committee.tender),
               seat=seat.pk, expert=seat.expert_id, formed=formed)
    return SeatOutcome(seat)


def decline_seat(caller, seat_id, reason):
    """A drawn expert declines (or the entity records that they declined); the seat is drawn again."""
    return _give_up(caller, seat_id, reason, SeatStatus.DECLINED, (SeatStatus.DRAWN,), "experts.decline")


def record_absence(caller, seat_id, reason):
    """An expert cannot attend (said by them or recorded by the entity); the seat is drawn again."""
    return _give_up(caller, seat_id, reason, SeatStatus.ABSENT, selectors.ACTIVE_SEATS, "experts.absent")


def _give_up(caller, seat_id, reason, status, statuses, action):
    if not (allowed(caller.user, "expert.declare") or allowed(caller.user, "committee.draw")):
        authorize(caller.user, "expert.declare")
    errors = {}
    reason = rules.text(errors, "reason", reason, MAX_REASON)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        seat = _lock_seat(caller, seat_id, statuses)
        if seat.is_representative:
            raise ValidationError({"seat": _("The entity's representative is named, not drawn: there is nothing to "
                                             "draw again.")})
        return _vacate(caller, seat, status, reason, action)


def _vacate(caller, seat, status, reason, action):
    """Free the seat, record why, and draw its replacement in the next round if the pool allows it now."""
    now = clock.now()
    committee = seat.committee
    seat.status, seat.reason, seat.declared_at = status, reason, now
    seat.save(update_fields=["status", "reason", "declared_at"])
    if committee.formed_at is not None:
        committee.formed_at = None
        committee.save(update_fields=["formed_at"])
    record(caller, action, committee, embargo=selectors.embargo_key(committee.tender), seat=seat.pk,
           expert=seat.expert_id, status=status, reason=reason)
    try:
        with transaction.atomic():
            return SeatOutcome(seat, _refill(caller, committee, now))
    except ValidationError as error:
        # The seat stays vacant; the entity draws it when experts are free again (fill_vacancies).
        return SeatOutcome(seat, [], " ".join(error.messages))
