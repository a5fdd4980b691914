"""Reads of the expert pool and the committees; who may see whose name is decided here.

Names stay secret until the candidate notice: before it only supervisors and discipline staff
("committee.watch") and the committee's seated members see who sits on a committee; the public,
bidders, the entity's other staff and other experts see the seats without names.
"""
import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from trading.accounts.models import Organisation
from trading.accounts.permissions import allowed, authorize
from trading.accounts.roles import Role
from trading.audit import embargo as audit_embargo
from trading.audit.models import AuditEntry
from trading.bids.models import Bid
from trading.bids.opening.models import OpeningRecord
from trading.tenders import clock
from trading.tenders.models import Tender, TenderStatus
from trading.tenders.selectors import own_tenders, tender_policy

from . import draw
from .models import (Committee, DeclaredRelation, DrawCommitment, ExpertProfile, ExpertStatus, Seat, SeatStatus,
                     Speciality)

# The candidate notice publishes the committee: from then on (and if the tender went back to
# evaluation after it) the names are public; so they are once the procedure ended without one (failed
# or cancelled): there is no result left to sway.
NAMES_PUBLIC = {TenderStatus.CANDIDATES, TenderStatus.AWARDED, TenderStatus.COMPLETE, TenderStatus.FAILED,
                TenderStatus.CANCELLED}
ACTIVE_SEATS = (SeatStatus.DRAWN, SeatStatus.SEATED)
RELATION_YEARS = 3
SITTINGS_WINDOW = dt.timedelta(days=365)
DRAW_ACTIONS = ("experts.draw_committee", "experts.redraw")


def embargo_key(tender):
    return audit_embargo.key("committee", getattr(tender, "pk", tender))


def names_public(tender):
    return tender.status in NAMES_PUBLIC or tender.status_changes.filter(to_status=TenderStatus.CANDIDATES).exists()


def committee_embargoes():
    """Audit embargo keys of committees whose members are still secret (no candidate notice yet)."""
    secret = (Committee.objects.exclude(tender__status__in=NAMES_PUBLIC)
              .exclude(tender__status_changes__to_status=TenderStatus.CANDIDATES))
    return [embargo_key(tender_id) for tender_id in secret.values_list("tender_id", flat=True)]


def committee_of(tender):
    return Committee.objects.filter(tender=tender).first()


def commitment_of(tender):
    return DrawCommitment.objects.filter(tender=tender).first()


def may_see_names(user, tender, committee=None):
    """Supervisors and discipline staff, the committee's seated members; everyone after the candidate notice."""
    if names_public(tender) or allowed(user, "committee.watch"):
        return True
    committee = committee or committee_of(tender)
    return bool(committee and getattr(user, "is_authenticated", False)
                and committee.seats.filter(user=user, status=SeatStatus.SEATED).exists())


def opening_signature(tender):
    return OpeningRecord.objects.filter(tender=tender).exclude(signature="").values_list("signature", flat=True).first()


def experts_needed(committee):
    return committee.size - committee.seats.filter(is_representative=True).count()


# --- eligibility -----------------------------------------------------------------------------

def years_before(day, years):
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def on_leave(profile, day):
    if profile.on_leave_from is None and profile.on_leave_until is None:
        return False
    return ((profile.on_leave_from is None or profile.on_leave_from <= day)
            and (profile.on_leave_until is None or day <= profile.on_leave_until))


def _name_key(name):
    return " ".join((name or "").split()).casefold()


def organisation_keys(organisation):
    return {("organisation", organisation.pk), ("name", _name_key(organisation.name))}


def employer_keys(profile):
    """What identifies the expert's employer: the registered organisation and its name, and the declared name.

    Two experts work for one employer when they share any key (so "Tongji University" typed by one and
    registered for the other is one employer).
    """
    keys = organisation_keys(profile.employer) if profile.employer_id else set()
    if _name_key(profile.employer_name):
        keys.add(("name", _name_key(profile.employer_name)))
    return keys or {("expert", profile.pk)}


def conflicted_organisations(tender):
    """The entity, its agency and every organisation that bid on the tender."""
    ids = {tender.project.entity_id, tender.project.agency_id}
    ids.update(Bid.objects.filter(tender=tender).values_list("bidder_id", flat=True))
    ids.discard(None)
    return ids


def frequent_experts(tender, now, committee=None):
    """Experts who already sat for this entity as often as the policy allows in the last 12 months."""
    limit = tender_policy(tender).thresholds["sittings_per_entity"]
    seats = Seat.objects.filter(status=SeatStatus.SEATED, expert__isnull=False, drawn_at__gte=now - SITTINGS_WINDOW,
                                committee__tender__project__entity_id=tender.project.entity_id)
    if committee is not None:
        seats = seats.exclude(committee=committee)
    counted = seats.values("expert_id").annotate(n=Count("id")).filter(n__gte=limit)
    return {row["expert_id"] for row in counted}


@dataclass
class Pool:
    """The experts eligible for a draw, with what the pure draw needs about them."""

    experts: dict  # id -> ExpertProfile

    @property
    def ids(self):
        return sorted(self.experts)

    def specialities_of(self, required):
        return {i: [s for s in required if s in (p.specialities or [])] for i, p in self.experts.items()}

    def employer_of(self):
        """id -> the smallest eligible id of the same employer (a key that names nobody); see employer_keys."""
        group = {}  # union-find over the experts sharing a key
        owner = {}

        def root(i):
            while group[i] != i:
                group[i] = group[group[i]]
                i = group[i]
            return i

        for expert_id in self.ids:
            group[expert_id] = expert_id
            for key in employer_keys(self.experts[expert_id]):
                if key in owner:
                    a, b = root(owner[key]), root(expert_id)
                    group[max(a, b)] = min(a, b)
                else:
                    owner[key] = expert_id
        return {i: root(i) for i in self.ids}

    def summary(self, required):
        """What the audit entry keeps so that anyone can re-run the draw: [id, employer, specialities] by id."""
        specialities, employers = self.specialities_of(required), self.employer_of()
        return [[i, employers[i], specialities[i]] for i in self.ids]


def eligible_pool(tender, committee=None, now=None):
    """The experts who may be drawn for this tender's committee now.

    Left out: experts not active (or whose account is not); on leave today; employed by the entity, its
    agency or a bidder (registered employer or declared name), or related to one by a declaration that
    has not ended or ended less than three years ago; those who sat for this entity as often as the
    policy allows in the last 12 months; anyone already drawn for this committee (whatever they
    answered); and, on a redraw, colleagues of an expert holding a seat.
    """
    now = now or clock.now()
    today = timezone.localdate(now)
    conflicted = conflicted_organisations(tender)
    conflicted_keys = set().union(*(organisation_keys(o) for o in Organisation.objects.filter(pk__in=conflicted)))
    related = DeclaredRelation.objects.filter(organisation_id__in=conflicted).filter(
        Q(until__isnull=True) | Q(until__gte=years_before(today, RELATION_YEARS))).values("expert_id")
    candidates = (ExpertProfile.objects.filter(status=ExpertStatus.ACTIVE, user__is_active=True, user__role=Role.EXPERT)
                  .exclude(employer_id__in=conflicted).exclude(pk__in=related)
                  .exclude(pk__in=frequent_experts(tender, now, committee)))
    taken = set()
    if committee is not None:
        candidates = candidates.exclude(pk__in=committee.seats.filter(expert__isnull=False).values("expert_id"))
        for seat in committee.seats.filter(status__in=ACTIVE_SEATS, expert__isnull=False).select_related(
                "expert__employer"):
            taken |= employer_keys(seat.expert)
    experts = {p.pk: p for p in candidates.select_related("user", "employer")
               if not on_leave(p, today) and not employer_keys(p) & (conflicted_keys | taken)}
    return Pool(experts)


def uncovered_specialities(committee):
    """The committee's required specialities that no expert holding a seat now covers."""
    covered = set()
    for profile in ExpertProfile.objects.filter(seats__committee=committee, seats__status__in=ACTIVE_SEATS):
        covered.update(profile.specialities or [])
    return [s for s in committee.specialities if s not in covered]


# --- what people see -------------------------------------------------------------------------

def speciality_labels(codes):
    return [Speciality(code).label for code in codes or [] if code in Speciality.values]


@dataclass
class SeatRow:
    seat: Seat
    number: int
    name: str | None
    reason: str | None

    @property
    def open(self):
        """A drawn expert's seat that may still be given up (declined, or absent)."""
        return not self.seat.is_representative and self.seat.status in ACTIVE_SEATS


def seat_rows(committee, names):
    seats = committee.seats.select_related("expert", "user").order_by("draw_round", "id")
    return [SeatRow(seat, n, _seat_name(seat) if names else None, seat.reason if names else None)
            for n, seat in enumerate(seats, start=1)]


def _seat_name(seat):
    if seat.expert_id:
        return seat.expert.full_name
    return seat.user.get_full_name() or seat.user.get_username()


def committee_page(user, tender):
    """The committee of a tender as this user may see it (the tender itself must already be visible to them)."""
    commitment = commitment_of(tender)
    committee = committee_of(tender)
    names = may_see_names(user, tender, committee)
    # The secret (and with it the seed) only when the names are: before that, knowing the seed tells
    # who a redraw would pick.
    revealed = names and (names_public(tender) or allowed(user, "committee.watch"))
    return {
        "tender": tender, "commitment": commitment, "committee": committee, "names": names,
        "size": tender_policy(tender).thresholds["committee_size"],
        "specialities": speciality_labels(committee.specialities) if committee else [],
        "secret": commitment.secret if commitment and revealed and committee else None,
        "seats": seat_rows(committee, names) if committee else [],
        "vacancies": vacancies(committee) if committee else 0,
        "problems": verify_committee(tender) if committee and revealed else None,
    }


def vacancies(committee):
    active = committee.seats.filter(status__in=ACTIVE_SEATS).count()
    return committee.size - active


def own_seats(user):
    """An expert's own assignments, newest first: never anybody else's."""
    if not allowed(user, "expert.declare"):
        return Seat.objects.none()
    return (Seat.objects.filter(user=user, is_representative=False)
            .select_related("committee__tender__project").order_by("-drawn_at", "-id"))


def pending_declarations(user):
    return own_seats(user).filter(status=SeatStatus.DRAWN, committee__tender__status=TenderStatus.EVALUATION)


def own_profile(user):
    return ExpertProfile.objects.filter(user=user).prefetch_related("relations__organisation").first()


def profile_for(user):
    """The expert's own profile, or a refusal saying why there is none."""
    authorize(user, "expert.declare")
    profile = own_profile(user)
    if profile is None:
        raise PermissionDenied(_("The administrator has not set up your expert profile yet."))
    return profile


def committees_for(user):
    """The committee list: the entity its own tenders from evaluation on, supervisors and discipline staff all."""
    if allowed(user, "committee.watch"):
        tenders = Tender.objects.filter(Q(committee__isnull=False) | Q(status=TenderStatus.EVALUATION))
    elif allowed(user, "committee.draw"):
        tenders = own_tenders(user).filter(Q(committee__isnull=False) | Q(status=TenderStatus.EVALUATION))
    else:
        return Tender.objects.none()
    return tenders.select_related("project", "committee").order_by("-opened_at", "-id")


# --- verification ----------------------------------------------------------------------------

def draw_entries(committee):
    return AuditEntry.objects.filter(object_type=Committee._meta.label_lower, object_id=str(committee.pk),
                                     action__in=DRAW_ACTIONS).order_by("seq")


def replay(summary):
    """Re-run the pure draw from an audit entry's summary: the ids it must have drawn."""
    eligible = summary["eligible"]
    return draw.draw(summary["seed"], summary["round"], [row[0] for row in eligible], summary["needed"],
                     summary["required"], {row[0]: row[2] for row in eligible}, {row[0]: row[1] for row in eligible})


def verify_committee(tender):
    """Problems found re-running every draw of the tender's committee from the log; empty means all checks out.

    The secret matches the commitment published with the tender, the seed is hash(record signature +
    secret), every recorded draw gives the same experts again, and the seats are those experts.
    """
    committee, commitment = committee_of(tender), commitment_of(tender)
    if committee is None:
        return [_("No committee was drawn for this tender.")]
    problems = []
    if commitment is None or draw.commitment_of(commitment.secret) != commitment.commitment:
        problems.append(_("The draw secret does not match the commitment published with the tender."))
    signature = opening_signature(tender)
    if commitment is not None and (signature is None or draw.seed_of(signature, commitment.secret) != committee.seed):
        problems.append(_("The seed is not the hash of the opening record's signature and the draw secret."))
    drawn_by_round = {}
    for entry in draw_entries(committee):
        summary = entry.summary
        if summary.get("seed") != committee.seed:
            problems.append(_("Round %(round)s was drawn with another seed.") % {"round": summary.get("round")})
        try:
            again = replay(summary)
        except (draw.Shortfall, KeyError, TypeError, IndexError):
            again = None
        if again != summary.get("drawn"):
            problems.append(_("Round %(round)s does not give the recorded experts when drawn again.")
                            % {"round": summary.get("round")})
        drawn_by_round[summary.get("round")] = sorted(summary.get("drawn") or [])
    seated_by_round = {}
    for seat in committee.seats.filter(is_representative=False):
        seated_by_round.setdefault(seat.draw_round, []).append(seat.expert_id)
    if {r: sorted(ids) for r, ids in seated_by_round.items()} != drawn_by_round:
        problems.append(_("The committee's seats are not the experts the recorded draws picked."))
    return problems
