"""`collusion report` on the database: what it stores and whether it finds planted cartels."""
import io

import pytest
from django.core.management import call_command

from fixtures import demo
from fixtures.market import generate
from trading.accounts.caller import Caller
from trading.accounts.models import Organisation
from trading.audit.models import AuditEntry
from trading.collusion.models import BidderRisk, CollusionReport, Flag, TenderRisk
from trading.collusion.services import run_report


def found_among_top(report, cartel, top=10):
    """A top group that holds at least 80% of the cartel and is not much larger than it."""
    cartel = set(cartel)
    for group in report.groups.order_by("-risk")[:top]:
        members = set(group.members)
        if len(members & cartel) >= 0.8 * len(cartel) and len(members) <= 2 * len(cartel) + 1:
            return group
    return None


def test_report_command_stores_a_dated_report_with_both_planted_cartels(market):
    out = io.StringIO()
    call_command("collusion", "report", stdout=out)
    report = CollusionReport.objects.get()
    assert f"report {report.pk}:" in out.getvalue()
    assert report.summary["tenders"] == len(market.tenders) == report.tender_risks.count()
    assert report.parameters["model"] == "builtin"   # the shipped cross-market model scored it
    ring, pair = found_among_top(report, market.ring_names), found_among_top(report, market.pair_names)
    assert ring is not None and pair is not None
    assert ring.band == "red" and pair.band == "red"
    assert ring.figures["rotation"] > 0.9
    assert ring.figures["shared_tenders"] >= 10
    # the win timeline shows every ring member winning in turn
    assert {t["winner"] for t in ring.timeline} == market.ring_names
    # the pair: one never wins, and they shared a bank account and a network address
    assert pair.figures["cover_bidders"] == ["Pair Cover Co."]
    signals = {i["signal"] for i in pair.figures["shared_identities"]}
    assert {"bank_account", "ip"} <= signals
    # bidders of both cartels rank above honest firms; their rows point back to the organisation
    top = list(BidderRisk.objects.filter(report=report).order_by("-risk")[:6])
    assert market.pair[0].name in {b.label for b in top}
    assert all(b.organisation is not None for b in top)
    entry = AuditEntry.objects.get(action="collusion.report")
    assert entry.object_id == str(report.pk) and entry.actor_label == "anonymous"


def test_flags_carry_evidence_and_a_sentence(report, market):
    flags = list(Flag.objects.filter(report=report))
    kinds = {f.kind for f in flags}
    assert {"group", "shared_identity_tender"} <= kinds
    shared = next(f for f in flags if f.kind == "shared_identity_tender" and "ip" in f.sentence)
    assert set(shared.bidders) == market.pair_names and len(shared.tenders) == 1
    assert shared.sentence.startswith(f"In tender {shared.tenders[0]}, bidders ")
    group_flag = next(f for f in flags if f.kind == "group" and set(f.bidders) == market.ring_names)
    assert group_flag.group is not None and "evenly shared" in group_flag.text
    # tender flags point at stored tender risks with their screens and market percentiles
    low = next(f for f in flags if f.kind in {"low_cv", "low_spread", "subgroup", "high_rd"})
    card = TenderRisk.objects.get(report=report, reference=low.tenders[0])
    assert card.tender is not None and {"cv", "m_cv", "p_cv"} <= set(card.features)
    assert card.risk >= 0.6


def test_an_empty_platform_gives_an_empty_report(db):
    report = run_report(Caller.system())
    assert report.summary["tenders"] == 0 and report.tender_risks.count() == 0


def test_a_person_needs_the_right_role_to_run_a_report(db, contractor, discipline, admin_user):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        run_report(Caller(user=contractor))
    assert run_report(Caller(user=discipline)).created_by == discipline
    assert run_report(Caller(user=admin_user)).created_by == admin_user


def test_demo_market_cartels_are_among_the_top_ten_groups_and_red_means_cartel(db):
    seed, contractors, tenders = 2024, 160, 700
    demo.load(seed=seed, contractors=contractors, tenders=tenders, live=False)
    planted = generate(seed=seed, contractors=contractors, tenders=tenders)
    names = dict(Organisation.objects.values_list("external_ref", "name"))
    report = run_report(Caller.system())
    ring_names, cover_name = {names[r] for r in planted.rotation_ring}, names[planted.cover_pair[1]]
    ring = found_among_top(report, ring_names)
    pair = found_among_top(report, {names[r] for r in planted.cover_pair})
    assert ring is not None, [g.members for g in report.groups.all()[:10]]
    assert pair is not None, [g.members for g in report.groups.all()[:10]]
    # bands mean something: red is a minority and almost only the rigged tenders
    risks = list(report.tender_risks.all())
    bidders = {t.reference: {b["bidder"] for b in t.bids} for t in risks}
    rotation = {r for r, who in bidders.items() if len(who & ring_names) >= 2}
    cover = {r for r, who in bidders.items() if cover_name in who}
    red = {t.reference for t in risks if t.band == "red"}
    yellow = {t.reference for t in risks if t.band == "yellow"}
    assert len(red) / len(risks) <= 0.25 and len(yellow) / len(risks) <= 0.15   # 139 of 700 are rigged
    assert len(red & (rotation | cover)) / len(red) >= 0.9                       # measured 1.00
    assert len(red & rotation) >= 0.7 * len(rotation) and len(red & cover) >= 0.7 * len(cover)
    assert report.summary["red"] == len(red)


def test_a_group_keeps_its_identity_from_one_report_to_the_next(market):
    first = run_report(Caller.system())
    ring = found_among_top(first, market.ring_names)
    second = run_report(Caller.system())
    again = found_among_top(second, market.ring_names)
    assert again.pk != ring.pk and again.identity == ring.identity and again.since == ring.since
    assert len({g.identity for g in second.groups.all()}) == second.groups.count()
