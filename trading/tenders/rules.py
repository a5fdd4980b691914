"""The rules of a tender in one place: input limits, statutory periods, the checks on dates.

Pure: no database. Services clean input with these functions before they write; forms and
serializers only shape input; checkpoints judge a running tender with the same period checks.
Bad input is collected as {field: message}, so a caller reports every problem at once.
"""
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .money import parse_amount

MAX_TEXT = 10_000
MAX_TITLE = 200
MAX_REFERENCE = 40
MAX_REASON = 500
MAX_LOTS = 50
MAX_PERIOD = 365 * 24 * 60  # in the policy's unit: a year of days, or a year of minutes
COUNT_LIMITS = {"min_bids": (1, 100), "confirmation_minutes": (1, 24 * 60), "key_threshold": (1, 20)}

# --- statutory periods ------------------------------------------------------------------
AT_LEAST, AT_MOST = "at_least", "at_most"


@dataclass(frozen=True)
class Period:
    name: str
    label: str
    law: int | None  # days; None: no statutory bound, platform policy only
    bound: str  # the law is a floor (AT_LEAST) or a ceiling (AT_MOST) on the policy
    default: int | None = None  # the platform's starting value where the law sets none
    entity_may_lengthen: bool = False
    # Counted in working days, Monday to Friday (no public-holiday calendar); training counts plain minutes.
    working_days: bool = False


PERIODS = (
    Period("document_offer", gettext_lazy("Documents on offer"), 5, AT_LEAST, entity_may_lengthen=True),
    Period("bidding_period", gettext_lazy("Bidding period, from the documents to the deadline"), 20, AT_LEAST,
           entity_may_lengthen=True),
    Period("clarification_cutoff", gettext_lazy("Changes of conditions before the deadline"), 15, AT_LEAST,
           entity_may_lengthen=True),
    Period("document_objection_cutoff", gettext_lazy("Objections to the documents before the deadline"), 10,
           AT_LEAST),
    Period("notice_after_report", gettext_lazy("Candidate notice within, from the evaluation report"), 3, AT_MOST),
    Period("candidate_notice", gettext_lazy("Candidate notice shown"), 3, AT_LEAST),
    Period("objection_answer", gettext_lazy("Answer to an objection within"), 3, AT_MOST),
    Period("justification_answer", gettext_lazy("Justification of an abnormally low price within"), None, AT_MOST,
           default=2),
    Period("contract_signing", gettext_lazy("Contract within, from the award"), 30, AT_MOST),
    # Implementing Regulations art. 57: bid security refunded within 5 days of the contract (with its interest).
    Period("security_refund", gettext_lazy("Bid security refunded within, from the contract"), 5, AT_MOST),
    # Complaints to the supervising department (Implementing Regulations art. 60-61): the complainant's
    # window is a floor (policy cannot take days away from them); the department's limits are ceilings.
    Period("complaint_window", gettext_lazy("Complaint to the supervising department within, from knowing"), 10,
           AT_LEAST),
    Period("complaint_acceptance", gettext_lazy("Complaint accepted or refused within"), 3, AT_MOST,
           working_days=True),
    Period("complaint_decision", gettext_lazy("Complaint decided within, from acceptance"), 30, AT_MOST,
           working_days=True),
)
PERIOD_BY_NAME = {p.name: p for p in PERIODS}
ENTITY_PERIODS = tuple(p.name for p in PERIODS if p.entity_may_lengthen)
DAYS, MINUTES = "days", "minutes"
# In minutes: a whole training procedure fits in a session. Off until an administrator turns it on.
TRAINING_PERIODS = {"document_offer": 10, "bidding_period": 15, "clarification_cutoff": 5,
                    "document_objection_cutoff": 5, "notice_after_report": 10, "candidate_notice": 5,
                    "objection_answer": 10, "justification_answer": 10, "contract_signing": 60, "security_refund": 10,
                    "complaint_window": 10, "complaint_acceptance": 5, "complaint_decision": 15}


@dataclass(frozen=True)
class Threshold:
    name: str
    label: str
    low: int  # the law's (or the platform's) floor for a real procedure
    high: int
    default: int
    training_low: int
    odd: bool = False


THRESHOLDS = (
    Threshold("min_bids", gettext_lazy("Minimum number of valid bids"), 3, 100, 3, 1),
    Threshold("committee_size", gettext_lazy("Evaluation committee members (odd)"), 5, 25, 5, 3, odd=True),
    Threshold("sittings_per_entity", gettext_lazy("Sittings of one expert for one entity in 12 months, at most"),
              1, 50, 3, 1),
    Threshold("abnormal_price_percent", gettext_lazy("Abnormally low below this share of the valid bids' mean (%)"),
              1, 100, 80, 1),
    # Government Procurement Law art. 49: additions to a contract up to 10% of its amount; beyond the policy's share
    # the cumulative change of a contract's price is a red flag for the supervisor.
    Threshold("amendment_price_percent", gettext_lazy("Contract price changed by amendments, in all, at most (%)"),
              1, 10, 10, 1),
    # No statute: the platform's floor. A project manager on site less than this share of the recorded days is red.
    Threshold("attendance_percent", gettext_lazy("Project manager's attendance on site, at least (%)"),
              50, 100, 80, 1),
    # Implementing Regulations art. 26: bid security at most 2% of the tender's estimate (its ceiling price here).
    Threshold("bid_security_percent", gettext_lazy("Bid security at most this share of the estimate (%)"),
              1, 2, 2, 1),
    # NDRC Order No. 16 (2018), art. 5: a project's works contract must be tendered from an estimate of 4 million
    # yuan, its goods from 2 million, its services from 1 million (TENDERING_THRESHOLD_LAW per procedure type). The
    # policy may lower the line, never raise it above the law. In 10,000 yuan (万元). Projects below it are filed in
    # the small-project register (publication app), which measures splitting and the entry rate against it.
    Threshold("tendering_threshold", gettext_lazy("Projects must be tendered from this estimate (10,000 yuan)"),
              1, 400, 400, 1),
)
TENDERING_THRESHOLD_LAW = {"open_works": 400, "open_goods": 200, "open_services": 100}
THRESHOLD_NAMES = tuple(t.name for t in THRESHOLDS)
MIN_BIDS_BY_LAW = THRESHOLDS[0].low


def initial_policy(training, procedure_type=None):
    """The values a procedure policy starts with: the law (or the platform's default), or the training periods."""
    periods = TRAINING_PERIODS if training else {p.name: p.law or p.default for p in PERIODS}
    thresholds = {t.name: t.default for t in THRESHOLDS}
    thresholds["tendering_threshold"] = TENDERING_THRESHOLD_LAW.get(procedure_type, thresholds["tendering_threshold"])
    return {**periods, **thresholds, "enabled": not training}


def span(amount, unit, working_days=False):
    """A period as people write it: '20 days', '3 working days', '30 minutes'."""
    if unit == MINUTES:
        return _("%(n)s minutes") % {"n": amount}
    if working_days:
        return _("%(n)s working days") % {"n": amount}
    return _("%(n)s days") % {"n": amount}


def add_working_days(start, days):
    """`days` working days after `start`, Monday to Friday (a weekend start counts from the next Monday).

    A plain rule, no public-holiday calendar: the same time of day on the day the period runs out.
    """
    moment = timezone.localtime(start)
    while moment.weekday() >= 5:
        moment = (moment + dt.timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    left = days
    while left > 0:
        moment += dt.timedelta(days=1)
        if moment.weekday() < 5:
            left -= 1
    return moment


def _whole(value):
    return isinstance(value, int) and not isinstance(value, bool)


def policy_problems(values, training, procedure_type=None):
    """What is wrong with a procedure policy: the law bounds every real procedure; training only needs sense."""
    errors = {}
    for period in PERIODS:
        value = values.get(period.name)
        if not _whole(value) or not 1 <= value <= MAX_PERIOD:
            errors[period.name] = _("Enter a whole number from 1 to %(max)d.") % {"max": MAX_PERIOD}
        elif training or period.law is None:
            continue
        elif period.bound == AT_LEAST and value < period.law:
            errors[period.name] = _("The law requires at least %(n)d days.") % {"n": period.law}
        elif period.bound == AT_MOST and value > period.law:
            errors[period.name] = _("The law allows at most %(n)d days.") % {"n": period.law}
    for threshold in THRESHOLDS:
        value, low = values.get(threshold.name), threshold.training_low if training else threshold.low
        if not _whole(value) or not low <= value <= threshold.high:
            errors[threshold.name] = _("Enter a whole number from %(low)d to %(high)d.") % {
                "low": low, "high": threshold.high}
        elif threshold.odd and value % 2 == 0:
            errors[threshold.name] = _("Enter an odd number.")
    law = TENDERING_THRESHOLD_LAW.get(procedure_type)
    value = values.get("tendering_threshold")
    if law and not training and "tendering_threshold" not in errors and value > law:
        errors["tendering_threshold"] = _("The law requires tendering from %(n)d (10,000 yuan) for this "
                                          "procedure.") % {"n": law}
    return errors


@dataclass(frozen=True)
class Policy:
    """The statutory periods and thresholds a tender runs under, as stored with it when it is published."""
    procedure_type: str
    training: bool
    periods: dict
    thresholds: dict

    @property
    def unit(self):
        return MINUTES if self.training else DAYS

    @property
    def min_bids(self):
        return self.thresholds["min_bids"]

    def delta(self, name, amount=None):
        amount = self.periods[name] if amount is None else amount
        return dt.timedelta(minutes=amount) if self.training else dt.timedelta(days=amount)

    def describe(self, name, amount=None):
        return span(self.periods[name] if amount is None else amount, self.unit,
                    PERIOD_BY_NAME[name].working_days)

    def due(self, name, start, amount=None):
        """When a period that starts at `start` runs out: working days where the period counts them."""
        amount = self.periods[name] if amount is None else amount
        if PERIOD_BY_NAME[name].working_days and not self.training:
            return add_working_days(start, amount)
        return start + self.delta(name, amount)

    def as_dict(self):
        return {"procedure_type": self.procedure_type, "training": self.training, "periods": dict(self.periods),
                "thresholds": dict(self.thresholds)}

    @classmethod
    def from_dict(cls, data):
        """A stored policy; values it predates (added to the policy later) read as the platform's starting ones."""
        start = initial_policy(bool(data["training"]))
        thresholds = data.get("thresholds") or {"min_bids": data.get("min_bids", start["min_bids"])}
        return cls(procedure_type=data["procedure_type"], training=bool(data["training"]),
                   periods={p.name: int(data["periods"].get(p.name, start[p.name])) for p in PERIODS},
                   thresholds={t.name: int(thresholds.get(t.name, start[t.name])) for t in THRESHOLDS})


def entity_choices(tender):
    """What the entity chose for a tender: its longer periods (None: the policy's) and its minimum of bids."""
    return {name: getattr(tender, name) for name in (*ENTITY_PERIODS, "min_bids")}


def chosen_periods(policy, values):
    """The tender's own periods: the entity's longer choice, or the policy's minimum where it chose none."""
    return {name: values.get(name) or policy.periods[name] for name in ENTITY_PERIODS}


def period_choice_problems(policy, values):
    """An entity may choose longer periods than the policy, never shorter ones."""
    errors = {}
    for name in ENTITY_PERIODS:
        value = values.get(name)
        if value is None:
            continue
        if value < policy.periods[name]:
            errors[name] = _("At least %(min)s (platform policy for this procedure).") % {
                "min": policy.describe(name)}
    if values.get("min_bids") is not None and values["min_bids"] < policy.min_bids:
        errors["min_bids"] = _("At least %(n)d bids (platform policy for this procedure).") % {"n": policy.min_bids}
    return errors


def security_problems(policy, security, estimate):
    """The bid security asked may not exceed the policy's share of the estimate (the tender's ceiling price)."""
    if security is None or estimate is None:
        return {}
    percent = policy.thresholds["bid_security_percent"]
    cap = (Decimal(estimate) * percent / 100).quantize(Decimal("0.01"))
    if Decimal(security) > cap:
        return {"bid_security_amount": _("The bid security may be at most %(percent)d%% of the ceiling price, "
                                         "%(cap)s (platform policy).") % {"percent": percent, "cap": cap}}
    return {}


# --- dates -------------------------------------------------------------------------------

def when(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def when_to_the_second(moment):
    """For a moment that is judged to the second, as a bid's arrival against the deadline."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")


def when_iso(text):
    """A time stored in a signed body (ISO 8601, UTC) as people read it: the platform's zone, to the minute."""
    moment = parse_datetime(text) if isinstance(text, str) else None
    return when(moment) if moment else (text or "")


def date_order_problems(documents_from, documents_until, deadline, now):
    """Dates that cannot all hold, whatever the periods."""
    errors = {}
    if deadline and deadline <= now:
        errors["deadline"] = _("The deadline must be in the future.")
    if documents_from and documents_until and documents_until <= documents_from:
        errors["documents_until"] = _("Documents must be on offer until after they go on offer.")
    if documents_until and deadline and documents_until > deadline:
        errors["documents_until"] = _("Documents cannot be on offer after the deadline.")
    if documents_from and deadline and documents_from >= deadline:
        errors["documents_from"] = _("Documents must go on offer before the deadline.")
    return errors


def bidding_too_short(policy, documents_from, deadline, amount=None):
    return deadline - documents_from < policy.delta("bidding_period", amount)


def offer_too_short(policy, documents_from, documents_until, amount=None):
    return documents_until - documents_from < policy.delta("document_offer", amount)


def change_too_late(policy, changed_at, deadline, amount=None):
    """A change of conditions closer to the deadline than the cut-off: the deadline must move."""
    return deadline - changed_at < policy.delta("clarification_cutoff", amount)


def earliest_deadline_after_change(policy, changed_at, amount):
    """The deadline a late change of conditions moves to: the cut-off from now, rounded up to the minute."""
    earliest = changed_at + policy.delta("clarification_cutoff", amount)
    return earliest.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)


def publication_problems(policy, periods, documents_from, documents_until, deadline, now):
    """Dates a tender can be published with: every period at least the tender's own (itself >= policy)."""
    if deadline is None:
        return {"deadline": _("Set the bid deadline before publishing.")}
    if deadline <= now:
        return {"deadline": _("The deadline must be in the future.")}
    errors = {}
    if bidding_too_short(policy, documents_from, deadline, periods["bidding_period"]):
        errors["deadline"] = _("The deadline must be at least %(period)s after the documents go on offer "
                               "(%(start)s).") % {"period": policy.describe("bidding_period",
                                                                            periods["bidding_period"]),
                                                  "start": when(documents_from)}
    if documents_until > deadline:
        errors["documents_until"] = _("Documents cannot be on offer after the deadline.")
    elif offer_too_short(policy, documents_from, documents_until, periods["document_offer"]):
        errors["documents_until"] = _("Documents must be on offer for at least %(period)s.") % {
            "period": policy.describe("document_offer", periods["document_offer"])}
    return errors


# --- input cleaning -----------------------------------------------------------------------

def amount(errors, field, value, *, required=True, positive=True):
    if value in (None, ""):
        if required:
            errors[field] = _("This field is required.")
        return None
    try:
        return parse_amount(value, positive=positive)
    except ValidationError as error:
        errors[field] = error.messages[0]
        return None


def text(errors, field, value, max_length, *, required=True):
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors[field] = _("Enter text.")
        return ""
    value = value.strip()
    if "\x00" in value:
        errors[field] = _("The text contains a null character.")
    elif required and not value:
        errors[field] = _("This field is required.")
    elif len(value) > max_length:
        errors[field] = _("At most %(n)d characters.") % {"n": max_length}
    return value


def integer(errors, field, value, low, high, *, required=True):
    if value in (None, "") and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        errors[field] = _("Enter a whole number.")
        return None
    try:
        number = int(value)
    except ValueError:
        errors[field] = _("Enter a whole number.")
        return None
    if not low <= number <= high:
        errors[field] = _("Enter a number from %(low)d to %(high)d.") % {"low": low, "high": high}
        return None
    return number


def moment(errors, field, value):
    if value in (None, ""):
        return None
    if not isinstance(value, dt.datetime):
        errors[field] = _("Enter a date and time.")
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def choice(errors, field, value, choices):
    if value not in choices.values:
        errors[field] = _("Choose one of: %(choices)s.") % {"choices": ", ".join(choices.values)}
        return None
    return value


def yes_no(errors, field, value):
    if not isinstance(value, bool):
        errors[field] = _("Choose yes or no.")
    return value


def weights(errors, value):
    """Comprehensive-scoring weights: named numbers, none negative, adding up to 100."""
    if not isinstance(value, dict) or not value:
        errors["scoring_weights"] = _("Comprehensive scoring needs weights, for example {\"price\": 60, \"technical\": 40}.")
        return {}
    cleaned = {}
    for name, weight in value.items():
        if not isinstance(name, str) or not name.strip() or len(name) > 50 or "\x00" in name:
            errors["scoring_weights"] = _("Each weight needs a name of 1 to 50 characters.")
            return {}
        if isinstance(weight, bool) or not isinstance(weight, (int, float, Decimal, str)):
            errors["scoring_weights"] = _("Each weight must be a number.")
            return {}
        try:
            number = Decimal(str(weight))
        except InvalidOperation:
            errors["scoring_weights"] = _("Each weight must be a number.")
            return {}
        if not number.is_finite() or number < 0:
            errors["scoring_weights"] = _("Weights cannot be negative.")
            return {}
        cleaned[name.strip()] = int(number) if number == number.to_integral_value() else float(number)
    if sum(Decimal(str(w)) for w in cleaned.values()) != 100:
        errors["scoring_weights"] = _("The weights must add up to 100.")
        return {}
    return cleaned


def lots(errors, value, ceiling):
    """Lots as a list of {title, ceiling_price}; their ceilings may not add up to more than the tender's."""
    if value in (None, ""):
        return []
    if not isinstance(value, (list, tuple)) or len(value) > MAX_LOTS:
        errors["lots"] = _("Give lots as a list of at most 50 items with a title and a ceiling price.")
        return []
    cleaned, lot_errors, total = [], {}, Decimal("0")
    for number, item in enumerate(value, start=1):
        if not isinstance(item, dict):
            errors["lots"] = _("Lot %(n)d: give a title and a ceiling price.") % {"n": number}
            return []
        title = text(lot_errors, "title", item.get("title"), MAX_TITLE)
        price = amount(lot_errors, "ceiling_price", item.get("ceiling_price"))
        if lot_errors:
            errors["lots"] = _("Lot %(n)d: %(problem)s") % {"n": number, "problem": " ".join(lot_errors.values())}
            return []
        total += price
        cleaned.append({"number": number, "title": title, "ceiling_price": price})
    if ceiling is not None and total > ceiling:
        errors["lots"] = _("The lots' ceiling prices add up to more than the tender's ceiling price.")
    return cleaned
