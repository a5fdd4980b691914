"""A small market built through the ORM, with two planted cartels:
a bid-rotation ring (four firms that take turns to win with tightly packed bids) and
a cover-bidding pair (one always wins, the other always loses just above it) that
submits from one network address and pays its bid security from one bank account."""
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from decimal import Decimal

import numpy as np

from tests.factories import make_organisation
from trading.accounts.roles import OrganisationKind
from trading.bids.models import Bid, BidStatus
from trading.tenders.models import EvaluationMethod, Project, ProjectType, Tender, TenderStatus


@dataclass
class Market:
    ring: list = field(default_factory=list)      # organisations
    pair: list = field(default_factory=list)      # [winner, cover bidder]
    others: list = field(default_factory=list)
    tenders: list = field(default_factory=list)

    @property
    def ring_names(self):
        return {o.name for o in self.ring}

    @property
    def pair_names(self):
        return {o.name for o in self.pair}


class _Builder:
    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)
        self.start = datetime(2024, 1, 8, 2, 0, tzinfo=dt_timezone.utc)
        self.entities = [make_organisation(OrganisationKind.ENTITY, name=f"Buyer {i}") for i in range(3)]
        self.count = 0
        self.bids = []

    def tender(self, prefix, firms, amounts, winner_index=None, ips=None, devices=None):
        self.count += 1
        n = self.count
        when = self.start + timedelta(days=3 * n)
        ceiling = Decimal(str(round(max(amounts) * 1.1, 2)))
        project = Project.objects.create(entity=self.entities[n % 3], code=f"P-{prefix}-{n}", name=f"Works {n}",
                                         project_type=ProjectType.WORKS, budget=ceiling, funding_source="budget")
        w = int(np.argmin(amounts)) if winner_index is None else winner_index
        tender = Tender.objects.create(
            project=project, reference=f"{prefix}-{n:03d}", title=f"Road section {n}", ceiling_price=ceiling,
            evaluation_method=EvaluationMethod.LOWEST_PRICE, bid_security_amount=Decimal("10000"),
            status=TenderStatus.COMPLETE, deadline=when, opened_at=when, winner=firms[w],
            awarded_amount=Decimal(str(round(amounts[w], 2))))
        for i, (firm, amount) in enumerate(zip(firms, amounts)):
            self.bids.append(Bid(
                tender=tender, bidder=firm, status=BidStatus.OPENED, received_at=when - timedelta(days=1),
                price=Decimal(str(round(amount, 2))), is_winner=(i == w), announce_order=i + 1,
                ip=(ips[i] if ips else f"10.{n % 250}.{i}.{int(self.rng.integers(2, 250))}"),
                device_fingerprint=(devices[i] if devices else f"dev-{firm.pk}"),
                project_manager=f"PM {firm.pk}"))
        return tender


def build_market(seed=7, n_competitive=70, n_firms=24, ring_tenders=14, pair_tenders=10) -> Market:
    b = _Builder(seed)
    rng = b.rng
    m = Market()
    m.others = [make_organisation(name=f"Honest Builder {i}") for i in range(n_firms)]
    m.ring = [make_organisation(name=f"Ring Member {i}") for i in range(4)]
    winner = make_organisation(name="Pair Winner Co.")
    cover = make_organisation(name="Pair Cover Co.", bank_account=winner.bank_account)
    m.pair = [winner, cover]
    for _ in range(n_competitive):
        k = int(rng.integers(4, 8))
        firms = list(rng.choice(m.others, size=k, replace=False))
        base = float(rng.lognormal(15, 0.6))
        m.tenders.append(b.tender("T", firms, (base * (1 + rng.uniform(0, 0.35, k))).tolist()))
    for j in range(ring_tenders):
        # members take turns: the designated winner bids lowest, the others pad just above
        turn = j % 4
        outsider = list(rng.choice(m.others, size=1))
        base = float(rng.lognormal(15, 0.6))
        amounts = [base * (1.012 + 0.006 * ((i - turn) % 4)) for i in range(4)]
        amounts[turn] = base
        firms = m.ring + outsider
        amounts.append(base * (1 + rng.uniform(0.12, 0.3)))
        m.tenders.append(b.tender("T", firms, amounts, winner_index=turn))
    for _ in range(pair_tenders):
        base = float(rng.lognormal(14, 0.5))
        firms = [winner, cover] + list(rng.choice(m.others, size=1))
        amounts = [base, base * float(rng.uniform(1.04, 1.06)), base * float(rng.uniform(1.08, 1.3))]
        m.tenders.append(b.tender("T", firms, amounts, winner_index=0,
                                  ips=["192.0.2.10", "192.0.2.10", f"198.51.100.{len(m.tenders)}"],
                                  devices=["pair-laptop", "pair-laptop", f"dev-{firms[2].pk}"]))
    Bid.objects.bulk_create(b.bids)
    return m


def small_report():
    """A stored report written straight through the ORM (no engine run): one flagged
    tender, one group, one bidder and one group flag, for page and permission tests."""
    from trading.collusion.models import BidderRisk, CollusionReport, Flag, GroupRisk, TenderRisk

    report = CollusionReport.objects.create(parameters={"bands": [0.6, 0.8]},
                                            summary={"bids": 9, "tenders": 3, "bidders": 3, "groups": 1,
                                                     "flags": 1, "red": 1, "yellow": 0})
    members = ["Alpha Works", "Beta Builders", "Gamma Roads"]
    timeline = [{"tender": f"T-{i}", "date": f"2024-0{i}-01", "winner": members[(i - 1) % 3],
                 "bidders": members, "n_bids": 3} for i in range(1, 7)]
    group = GroupRisk.objects.create(
        report=report, number=0, risk=0.93, band="red", members=members, member_ids=[None] * 3,
        figures={"size": 3, "cohesion": 1.0, "exclusivity": 1.0, "shared_tenders": 6, "winner_share": 1.0,
                 "rotation": 1.0, "cover_bidders": [],
                 "shared_identities": [{"signal": "bank_account", "value": "6222-1", "scope": "tender",
                                        "bidders": members[:2], "tenders": 1}]},
        cobids=[[6, 6, 6], [6, 6, 6], [6, 6, 6]], timeline=timeline)
    tender = TenderRisk.objects.create(
        report=report, reference="T-1", risk=0.91, band="red", screen_risk=0.8, n_bids=3, group_number=0,
        features={"cv": 0.012, "m_cv": 0.02, "p_cv": 0.98, "spd": 0.03, "m_spd": 0.03, "p_spd": 0.97,
                  "diffp": 0.01, "m_diffp": 0.1, "pattern_evidence": 0.0, "signal_evidence": 0.9,
                  "grp_members": 3, "grp_score": 0.93},
        bids=[{"bidder": m, "amount": 100.0 + i, "is_winner": i == 0, "disqualified": False}
              for i, m in enumerate(members)],
        bidder_labels="\n" + "".join(f"{m}\n" for m in members))
    bidder = BidderRisk.objects.create(report=report, label=members[0], risk=0.93, band="red", group=group)
    figures = {"members": ", ".join(members), "shared": 6, "exclusivity": 1.0, "rotation_word": "evenly shared",
               "rotation": 1.0, "covers": "none"}
    flag = Flag.objects.create(
        report=report, kind="group", severity=0.93, band="red", tenders=[], bidders=members, figures=figures,
        sentence=("Firms Alpha Works, Beta Builders, Gamma Roads form a group that met in 6 tenders; they bid "
                  "together 100% of the time, and wins inside the group are evenly shared (rotation 1.00); "
                  "members that never won: none."), group=group)
    return {"report": report, "group": group, "tender": tender, "bidder": bidder, "flag": flag}
