from django.core.management import call_command

from trading.collusion.models import CollusionReport

from .builders import build_market


def test_report_if_none_runs_once_for_the_demo(db):
    build_market(n_competitive=20, ring_tenders=6, pair_tenders=4)
    call_command("collusion", "report", "--if-none")
    call_command("collusion", "report", "--if-none")
    assert CollusionReport.objects.count() == 1
    call_command("collusion", "report")
    assert CollusionReport.objects.count() == 2
