"""A tender whose committee signed its report, and the steps after it through the award room's services.

    a = reported(prices=[...])      # the evaluation is over, the report signed (every member passes every bid)
    a.publish()                     # the candidate notice
    with a.after_notice(): a.award(a.bids[0])
"""
import contextlib
from dataclasses import dataclass

from tests.evaluation.builders import Evaluation, evaluating
from trading.award import services
from trading.award.selectors import live_notice
from trading.tenders import clock

PRICES = ["980000.00", "1010000.50", "995500.00", "1050000.00"]


@dataclass
class Awarding:
    e: Evaluation

    @property
    def tender(self):
        self.e.tender.refresh_from_db()
        return self.e.tender

    @property
    def entity(self):
        return self.e.ceremony.host

    @property
    def bidders(self):
        return self.e.ceremony.bidders

    @property
    def bids(self):
        return self.e.bids

    def call(self, user):
        return self.e.call(user)

    def publish(self):
        return services.publish_candidate_notice(self.call(self.entity), self.e.tender.pk)

    def object(self, bidder_index=1, text="The first candidate's project manager holds no valid licence.", **kw):
        return services.file_objection(self.call(self.bidders[bidder_index]), self.e.tender.pk, text, **kw)

    def answer(self, objection, decision="dismissed", remedy="", text="The licence was checked: it is valid."):
        return services.answer_objection(self.call(self.entity), objection.pk, text, decision, remedy)

    def award(self, bid, **kw):
        return services.award(self.call(self.entity), self.e.tender.pk, bid.pk, **kw)

    @contextlib.contextmanager
    def after_notice(self):
        """The clock at the moment the live notice closes (objections end, the award may come)."""
        with clock.frozen_at(live_notice(self.e.tender).closes_at) as moment:
            yield moment


def reported(prices=None, reject=(), **fields):
    """Every member signs: passes every bid except those in `reject` (by index)."""
    e = evaluating(prices=prices or PRICES, **fields)
    e.sign_all(reject=[e.bids[i] for i in reject])
    return Awarding(e)
