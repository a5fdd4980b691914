"""The public statistics, the small-project register and the integrity index, computed from what the rooms record.

Which tenders count: every tender published on the platform (drafts and the demo / training procedure left out),
and, unless the reader leaves them out (`history`), the imported history tenders. History tenders were opened and
awarded before the platform: they count in the number and value of tenders, savings (their winner's amount against
their reserve price) and competition (their bids are stored opened), never in the times from publication to award
or contract (the importer records no such dates) nor in the integrity index's checkpoints. The page says how many
of the counted tenders are history.

Definitions (the page and the API say them too):
- value: the tenders' ceiling prices.
- savings: for every live award (not revoked), the ceiling price of what it awards (its lot's, or the tender's; the
  project's budget where the ceiling is zero) minus the award amount; in money and as a share of those ceilings.
  A history tender's basis is its reserve price (stored as its ceiling) and its amount the imported winner's.
- bids per tender: opened bids over the tenders that were opened. Single-bid share: tenders whose opening began (or
  that ended) with exactly one bid standing at the deadline (replaced, withdrawn and lapsed bids do not stand); a
  tender waiting for its opening says nothing, so the figures never tell how many bids a sealed tender holds. Failed share:
  failed tenders over those that reached a result (awarded, complete or failed).
- days to award / contract: from publication to the first live award / the first contract concluded.
- entry rate (进场交易率): tenders traded on the platform over all procurements recorded (those tenders and the
  small projects filed in the register), by number and by value. Open-tender rate: procurements put to open
  competition (the platform's tenders, all open procedures, and small projects bought after an open call for
  quotations) over all procurements recorded.
"""
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from statistics import mean, median

from django.apps import apps
from django.db.models import Min
from django.db.models.functions import Substr
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trading.accounts.models import Organisation
from trading.accounts.roles import OrganisationKind
from trading.award.models import Award, Objection
from trading.bids.models import Bid, BidStatus
from trading.complaints.models import Complaint
from trading.contracts.models import Contract
from trading.tenders import clock
from trading.tenders.models import (
    PROCEDURE_OF_PROJECT,
    Checkpoint,
    ProcedurePolicy,
    ProcedureType,
    ProjectType,
    Tender,
    TenderStatus,
)
from trading.tenders.selectors import tender_policy

from .models import OPEN_METHODS, Feedback, SmallProject

ZERO = Decimal("0")
CENT = Decimal("0.01")
NOT_STANDING = {BidStatus.REPLACED, BidStatus.WITHDRAWN, BidStatus.LAPSED}
# Competition is counted once the opening has begun (or the procedure ended): how many bids a tender holds is
# announced at its opening, so a tender whose bidding closed but whose room is not open yet tells nothing.
BIDDING_OVER = {TenderStatus.OPENING, TenderStatus.EVALUATION, TenderStatus.CANDIDATES, TenderStatus.AWARDED,
                TenderStatus.COMPLETE, TenderStatus.FAILED}
RESULT = {TenderStatus.AWARDED, TenderStatus.COMPLETE, TenderStatus.FAILED}
HISTORY_CHOICES = (("include", gettext_lazy("Included")), ("exclude", gettext_lazy("Left out")),
                   ("only", gettext_lazy("History only")))
GROUPS = (("month", gettext_lazy("Month")), ("region", gettext_lazy("Region")),
          ("type", gettext_lazy("Procurement type")), ("entity", gettext_lazy("Procuring entity")))
MAX_GROUP_ROWS = 500

# Splitting: small projects of one entity and type whose decisions fall within this many days of each other and
# add up to the tendering threshold or more. No statute names a window; a quarter is what audits commonly look at.
SPLIT_WINDOW_DAYS = 90


# --- filters -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Filters:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    region: str = ""
    project_type: str = ""
    entity: int | None = None
    history: str = "include"

    def as_query(self):
        values = {"date_from": self.date_from, "date_to": self.date_to, "region": self.region,
                  "project_type": self.project_type, "entity": self.entity, "history": self.history}
        return {k: str(v) for k, v in values.items() if v not in (None, "")}


def _date(value, errors, name):
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        errors[name] = _("Enter a date as YYYY-MM-DD.")
        return None


def clean_filters(params):
    """(Filters, {field: message}) from query parameters; a bad value is reported and left out of the filter."""
    errors = {}
    date_from = _date(params.get("date_from"), errors, "date_from")
    date_to = _date(params.get("date_to"), errors, "date_to")
    if date_from and date_to and date_from > date_to:
        errors["date_to"] = _("The end of the period comes before its start.")
        date_to = None
    region = str(params.get("region") or "").strip()
    if region and not (len(region) == 6 and region.isdigit()):
        errors["region"] = _("Enter a region as its six-digit administrative division code, e.g. 330100.")
        region = ""
    project_type = str(params.get("project_type") or "").strip()
    if project_type and project_type not in ProjectType.values:
        errors["project_type"] = _("Choose one of the procurement types.")
        project_type = ""
    entity = params.get("entity")
    if entity in (None, ""):
        entity = None
    else:
        try:
            entity = int(str(entity).strip())
            if not 0 < entity < 2**31:
                raise ValueError
        except ValueError:
            errors["entity"] = _("Choose a procuring entity.")
            entity = None
    history = str(params.get("history") or "include").strip()
    if history not in dict(HISTORY_CHOICES):
        errors["history"] = _("Choose whether history tenders are included.")
        history = "include"
    return Filters(date_from, date_to, region, project_type, entity, history), errors


def region_of(credit_code):
    """The administrative division of an organisation: characters 3 to 8 of its unified social credit code."""
    return (credit_code or "")[2:8]


def _start(day):
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


# --- tenders -------------------------------------------------------------------------------

def counted_tenders(f=Filters()):
    qs = (Tender.objects.exclude(status=TenderStatus.DRAFT).exclude(procedure_type=ProcedureType.TRAINING)
          .filter(published_at__isnull=False))
    if f.date_from:
        qs = qs.filter(published_at__gte=_start(f.date_from))
    if f.date_to:
        qs = qs.filter(published_at__lt=_start(f.date_to + dt.timedelta(days=1)))
    if f.project_type:
        qs = qs.filter(project__project_type=f.project_type)
    if f.entity:
        qs = qs.filter(project__entity_id=f.entity)
    if f.region:
        qs = qs.annotate(region=Substr("project__entity__credit_code", 3, 6)).filter(region=f.region)
    if f.history == "exclude":
        qs = qs.filter(imported=False)
    elif f.history == "only":
        qs = qs.filter(imported=True)
    return qs


def tender_records(f=Filters()):
    """One plain dict per counted tender with what the figures need."""
    rows = list(counted_tenders(f).values(
        "id", "reference", "status", "ceiling_price", "imported", "published_at", "awarded_amount",
        "project__budget", "project__project_type", "project__entity_id", "project__entity__name",
        "project__entity__credit_code"))
    ids = [r["id"] for r in rows]
    awards, bids, contracts = defaultdict(list), defaultdict(lambda: [0, 0]), {}
    for chunk in _chunks(ids):
        for a in Award.objects.filter(tender_id__in=chunk, revoked_at__isnull=True).values(
                "tender_id", "amount", "awarded_at", "lot__ceiling_price"):
            awards[a["tender_id"]].append(a)
        for b in Bid.objects.filter(tender_id__in=chunk).values("tender_id", "status"):
            counts = bids[b["tender_id"]]
            counts[0] += b["status"] == BidStatus.OPENED
            counts[1] += b["status"] not in NOT_STANDING
        contracts.update(Contract.objects.filter(tender_id__in=chunk).values("tender_id")
                         .annotate(first=Min("concluded_at")).values_list("tender_id", "first"))
    records = []
    for r in rows:
        ceiling = r["ceiling_price"] or r["project__budget"] or ZERO
        record = {
            "id": r["id"], "reference": r["reference"], "status": r["status"], "imported": r["imported"],
            "value": r["ceiling_price"] or ZERO, "published_at": r["published_at"],
            "project_type": r["project__project_type"], "entity": r["project__entity_id"],
            "entity_name": r["project__entity__name"], "region": region_of(r["project__entity__credit_code"]),
            "opened_bids": bids[r["id"]][0], "standing_bids": bids[r["id"]][1],
            "award": None, "basis": None, "awarded_at": None, "contract_at": contracts.get(r["id"])}
        live = awards.get(r["id"])
        if live:
            record["award"] = sum((a["amount"] for a in live), ZERO)
            record["basis"] = sum(((a["lot__ceiling_price"] or ceiling) for a in live), ZERO)
            record["awarded_at"] = min(a["awarded_at"] for a in live)
        elif r["imported"] and r["awarded_amount"] is not None:
            record["award"], record["basis"] = r["awarded_amount"], ceiling
        records.append(record)
    return records


def _chunks(ids, size=500):
    for i in range(0, len(ids), size):
        yield ids[i:i + size]


def _percent(part, whole):
    if not whole:
        return None
    return float((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1")))


def _days(pairs):
    spans = [(end - start).total_seconds() / 86400 for start, end in pairs if start and end]
    if not spans:
        return None, None
    return round(mean(spans), 1), round(median(spans), 1)


def small_projects(f=Filters()):
    qs = SmallProject.objects.select_related("entity")
    if f.date_from:
        qs = qs.filter(decision_date__gte=f.date_from)
    if f.date_to:
        qs = qs.filter(decision_date__lte=f.date_to)
    if f.project_type:
        qs = qs.filter(project_type=f.project_type)
    if f.entity:
        qs = qs.filter(entity_id=f.entity)
    if f.region:
        qs = qs.annotate(region=Substr("entity__credit_code", 3, 6)).filter(region=f.region)
    return qs


def summarise(records, smalls=()):
    """The figures of a set of tender records (and the small projects recorded beside them)."""
    awarded = [r for r in records if r["award"] is not None]
    over = [r for r in records if r["status"] in BIDDING_OVER]
    opened = [r for r in records if r["opened_bids"]]
    result = [r for r in records if r["status"] in RESULT]
    failed = [r for r in result if r["status"] == TenderStatus.FAILED]
    single = [r for r in over if r["standing_bids"] == 1]
    value = sum((r["value"] for r in records), ZERO)
    award_value = sum((r["award"] for r in awarded), ZERO)
    basis = sum((r["basis"] for r in awarded), ZERO)
    platform = [r for r in records if not r["imported"]]
    days_award = _days((r["published_at"], r["awarded_at"]) for r in platform)
    days_contract = _days((r["published_at"], r["contract_at"]) for r in platform)
    smalls = list(smalls)
    small_value = sum((s.amount for s in smalls), ZERO)
    open_smalls = [s for s in smalls if s.method in OPEN_METHODS]
    all_count, all_value = len(records) + len(smalls), value + small_value
    opened_bids = sum(r["opened_bids"] for r in opened)
    return {
        "tenders": len(records),
        "history_tenders": len(records) - len(platform),
        "value": value.quantize(CENT),
        "awarded": len(awarded),
        "award_value": award_value.quantize(CENT),
        "savings": (basis - award_value).quantize(CENT),
        "savings_percent": _percent(basis - award_value, basis),
        "opened_tenders": len(opened),
        "opened_bids": opened_bids,
        "bids_per_tender": round(opened_bids / len(opened), 2) if opened else None,
        "bidding_over": len(over),
        "single_bid": len(single),
        "single_bid_percent": _percent(len(single), len(over)),
        "with_result": len(result),
        "failed": len(failed),
        "failed_percent": _percent(len(failed), len(result)),
        "days_to_award_mean": days_award[0], "days_to_award_median": days_award[1],
        "days_to_contract_mean": days_contract[0], "days_to_contract_median": days_contract[1],
        "small_projects": len(smalls),
        "small_value": small_value.quantize(CENT),
        "entry_rate_count": _percent(len(records), all_count),
        "entry_rate_value": _percent(value, all_value),
        "open_rate_count": _percent(len(records) + len(open_smalls), all_count),
        "open_rate_value": _percent(value + sum((s.amount for s in open_smalls), ZERO), all_value),
    }


def _group_key(group, record_or_small):
    if isinstance(record_or_small, SmallProject):
        s = record_or_small
        return {"month": s.decision_date.strftime("%Y-%m"), "region": region_of(s.entity.credit_code),
                "type": s.project_type, "entity": s.entity_id}[group]
    r = record_or_small
    return {"month": timezone.localtime(r["published_at"]).strftime("%Y-%m"), "region": r["region"],
            "type": r["project_type"], "entity": r["entity"]}[group]


def statistics(f=Filters(), group="month"):
    """{"total": figures, "rows": [{"key", "label", **figures}], "group": group} for the filters."""
    records = tender_records(f)
    smalls = list(small_projects(f)) if f.history != "only" else []
    rows = []
    if group in dict(GROUPS):
        buckets, small_buckets = defaultdict(list), defaultdict(list)
        for r in records:
            buckets[_group_key(group, r)].append(r)
        for s in smalls:
            small_buckets[_group_key(group, s)].append(s)
        labels = _labels(group, set(buckets) | set(small_buckets))
        for key in sorted(set(buckets) | set(small_buckets), key=str)[:MAX_GROUP_ROWS]:
            rows.append({"key": str(key), "label": labels.get(key, str(key)),
                         **summarise(buckets.get(key, []), small_buckets.get(key, []))})
    return {"total": summarise(records, smalls), "rows": rows, "group": group}


def _labels(group, keys):
    if group == "type":
        return {k: str(ProjectType(k).label) for k in keys if k in ProjectType.values}
    if group == "entity":
        return dict(Organisation.objects.filter(pk__in=[k for k in keys if k]).values_list("pk", "name"))
    return {}


def entity_choices():
    return list(Organisation.objects.filter(kind__in=[OrganisationKind.ENTITY]).order_by("name")
                .values_list("pk", "name"))


# --- small projects ------------------------------------------------------------------------

def tendering_threshold(project_type):
    """The policy's threshold for a project type, in yuan (the policy keeps it in 10,000 yuan)."""
    procedure = PROCEDURE_OF_PROJECT[ProjectType(project_type)]
    return Decimal(ProcedurePolicy.objects.get(procedure_type=procedure).tendering_threshold) * 10000


def splitting_flags(f=Filters()):
    """Likely splitting: small projects of one entity and type whose decisions fall within SPLIT_WINDOW_DAYS of the
    first of them and add up to the tendering threshold or more. Each flag lists its projects; a lead, not a finding.
    """
    by_key = defaultdict(list)
    for s in small_projects(f).order_by("decision_date", "id"):
        by_key[(s.entity_id, s.project_type)].append(s)
    thresholds = {}
    flags = []
    for (entity_id, project_type), projects in by_key.items():
        if project_type not in thresholds:
            thresholds[project_type] = tendering_threshold(project_type)
        threshold = thresholds[project_type]
        start = 0
        while start < len(projects):
            window = [p for p in projects[start:]
                      if (p.decision_date - projects[start].decision_date).days <= SPLIT_WINDOW_DAYS]
            total = sum((p.amount for p in window), ZERO)
            if len(window) >= 2 and total >= threshold:
                flags.append({"entity": projects[start].entity, "project_type": project_type,
                              "type_label": str(ProjectType(project_type).label),
                              "projects": window, "total": total, "threshold": threshold,
                              "first": window[0].decision_date, "last": window[-1].decision_date})
                start += len(window)
            else:
                start += 1
    return flags


# --- integrity index -------------------------------------------------------------------------

# Points per finding; the colour follows the sum. Written out on the page so anyone can recount it.
POINTS = {"red_checkpoints": 1, "upheld_objections": 1, "upheld_complaints": 2, "collusion_flags": 2,
          "contract_changes": 2}
SINGLE_BID_POINTS = ((50, 2), (20, 1))  # single-bid share at least this % (of 2 or more tenders): points
BANDS = ((6, "red"), (3, "yellow"), (1, "blue"))
BAND_LABELS = {"red": gettext_lazy("Red warning"), "yellow": gettext_lazy("Yellow warning"),
               "blue": gettext_lazy("Blue warning"), "none": gettext_lazy("No warning")}


def _collusion_flags(tender_ids):
    """Tenders the latest stored collusion report bands red or yellow. Collusion sits above this app in the import
    order (it reads what the rooms record), so its stored report is read by model name, never imported."""
    try:
        report_model = apps.get_model("collusion", "CollusionReport")
    except LookupError:
        return {}
    report = report_model.objects.order_by("-created_at", "-id").first()
    if report is None:
        return {}
    rows = report.tender_risks.filter(tender_id__in=tender_ids, band__in=["red", "yellow"])
    return dict(rows.values_list("tender_id", "band"))


def _contract_changes(tender_ids):
    """Contracts whose amendments changed the price, in all (up and down), beyond their tender policy's share."""
    over = defaultdict(int)
    contracts = Contract.objects.filter(tender_id__in=tender_ids).select_related("tender").prefetch_related(
        "amendments")
    for c in contracts:
        changed = sum((abs(a.price_after - a.price_before) for a in c.amendments.all()
                       if a.price_after is not None and a.price_before is not None), ZERO)
        limit = tender_policy(c.tender).thresholds["amendment_price_percent"]
        if c.price and changed * 100 > c.price * limit:
            over[c.tender_id] += 1
    return over


def integrity(f=Filters()):
    """One row per procuring entity with counted tenders: its figures, points and colour, worst first."""
    records = [r for r in tender_records(f)]
    by_entity = defaultdict(list)
    for r in records:
        by_entity[r["entity"]].append(r)
    ids = [r["id"] for r in records]
    red = defaultdict(int)
    objections, complaints, collusion, changes = defaultdict(int), defaultdict(int), {}, defaultdict(int)
    for chunk in _chunks(ids):
        for tender_id in Checkpoint.objects.filter(tender_id__in=chunk, was_red=True).values_list("tender_id",
                                                                                                   flat=True):
            red[tender_id] += 1
        for tender_id in Objection.objects.filter(tender_id__in=chunk, decision="upheld").values_list(
                "tender_id", flat=True):
            objections[tender_id] += 1
        for tender_id in Complaint.objects.filter(tender_id__in=chunk, decision="upheld").values_list(
                "tender_id", flat=True):
            complaints[tender_id] += 1
        collusion.update(_collusion_flags(chunk))
        for tender_id, n in _contract_changes(chunk).items():
            changes[tender_id] += n
    names = {r["entity"]: r["entity_name"] for r in records}
    feedback = {}
    for fb in Feedback.objects.filter(entity_id__in=list(by_entity)).order_by("entity_id", "-written_at", "-id"):
        feedback.setdefault(fb.entity_id, fb)
    rows = []
    for entity_id, mine in by_entity.items():
        tids = [r["id"] for r in mine]
        figures = summarise(mine)
        counts = {"red_checkpoints": sum(red[t] for t in tids),
                  "upheld_objections": sum(objections[t] for t in tids),
                  "upheld_complaints": sum(complaints[t] for t in tids),
                  "collusion_flags": sum(1 for t in tids if t in collusion),
                  "contract_changes": sum(changes[t] for t in tids)}
        rows.append(_scored(entity_id, names[entity_id], figures, counts, feedback.get(entity_id)))
    rows.sort(key=lambda row: (-row["points"], row["name"]))
    return rows


def _scored(entity_id, name, figures, counts, feedback):
    points = {k: v * POINTS[k] for k, v in counts.items()}
    single = figures["single_bid_percent"]
    points["single_bid"] = 0
    if single is not None and figures["bidding_over"] >= 2:
        points["single_bid"] = next((p for share, p in SINGLE_BID_POINTS if single >= share), 0)
    total = sum(points.values())
    band = next((b for floor, b in BANDS if total >= floor), "none")
    return {"entity": entity_id, "name": name, "tenders": figures["tenders"],
            "bidding_over": figures["bidding_over"], "single_bid": figures["single_bid"],
            "single_bid_percent": single, **counts, "points": total, "points_by": points, "band": band, "css": "green" if band == "none" else band,
            "band_label": str(BAND_LABELS[band]), "feedback": feedback}


def entity_integrity(entity_id, f=Filters()):
    """The integrity row of one entity (404 if it is no procuring entity), with its notice and feedback history."""
    entity = get_object_or_404(Organisation, pk=entity_id, kind=OrganisationKind.ENTITY)
    rows = integrity(Filters(f.date_from, f.date_to, "", "", entity.pk, f.history))
    row = rows[0] if rows else _scored(entity.pk, entity.name, summarise([]), dict.fromkeys(POINTS, 0), None)
    row["notice"] = warning_notice(row)
    row["feedback_history"] = list(Feedback.objects.filter(entity=entity).select_related("written_by")[:20])
    row["organisation"] = entity
    return row


def warning_notice(row):
    """The warning notice of a coloured entity, naming each finding behind the colour; '' without a warning."""
    if row["band"] == "none":
        return ""
    parts = []
    sentences = {
        "red_checkpoints": _("%(n)d supervision checkpoints went red"),
        "upheld_objections": _("%(n)d objections to candidates were upheld"),
        "upheld_complaints": _("%(n)d complaints were upheld by the supervising department"),
        "collusion_flags": _("%(n)d tenders were flagged by the collusion analysis"),
        "contract_changes": _("%(n)d contracts were amended beyond the policy's share of the price"),
    }
    for key, sentence in sentences.items():
        if row[key]:
            parts.append(sentence % {"n": row[key]})
    if row["points_by"].get("single_bid"):
        parts.append(_("%(percent)s%% of its tenders had a single bid") % {"percent": row["single_bid_percent"]})
    return _("%(band)s for %(entity)s (%(points)d points, as of %(date)s): %(findings)s. The entity is asked to "
             "review these procedures and may answer in writing; its answer is published with this notice.") % {
        "band": row["band_label"], "entity": row["name"], "points": row["points"],
        "date": timezone.localtime(clock.now()).strftime("%Y-%m-%d"), "findings": "; ".join(parts)}
