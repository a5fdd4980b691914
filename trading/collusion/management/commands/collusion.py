"""python manage.py collusion train | score | report"""
from django.core.management.base import BaseCommand, CommandError

from trading.accounts.caller import Caller
from trading.collusion import cli
from trading.collusion.models import CollusionReport
from trading.collusion.services import run_report


class Command(BaseCommand):
    help = "Collusion analysis: train a model, score a bid file, or store a report on the database."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        train = sub.add_parser("train", help="Train a supervised model on a labelled bid file.")
        train.add_argument("--input", required=True, help="CSV with a 'collusive' column (0/1 per bid)")
        train.add_argument("--model", required=True, help="where to write the model")
        score = sub.add_parser("score", help="Risk per tender (and per bidder) of a bid file.")
        score.add_argument("--input", required=True)
        score.add_argument("--output", required=True, help="CSV tender_id,risk")
        score.add_argument("--model", help="'builtin' (the cross-market model shipped with Sunlight) or a model "
                                           "file from 'train'; without it the risk is unsupervised")
        score.add_argument("--bidders-output", help="CSV bidder_id,risk,group")
        for p in (train, score):
            p.add_argument("--map", action="append", default=[], metavar="FIELD=COLUMN",
                           help="read FIELD from the file's COLUMN (repeatable)")
            p.add_argument("--date-unit", choices=["s", "D"],
                           help="numeric dates: Unix seconds (s) or day numbers (D); guessed when omitted")
        report = sub.add_parser("report", help="Analyse the database and store a dated report.")
        report.add_argument("--if-none", action="store_true", help="only when no report exists yet (make demo)")

    def handle(self, *args, **opts):
        try:
            if opts["action"] == "train":
                info = cli.train(opts["input"], opts["model"], opts["map"], opts["date_unit"])
                self.stdout.write(f"model trained on {info['tenders']} tenders ({info['collusive']} collusive), "
                                  f"written to {opts['model']}")
            elif opts["action"] == "score":
                info = cli.score(opts["input"], opts["output"], opts["model"], opts["bidders_output"],
                                 opts["map"], opts["date_unit"])
                self.stdout.write(f"{info['tenders']} tenders scored ({info['kind']}), written to {opts['output']}")
            elif opts["if_none"] and CollusionReport.objects.exists():
                self.stdout.write("a collusion report exists already; none run")
            else:
                report = run_report(Caller.system())
                s = report.summary
                self.stdout.write(f"report {report.pk}: {s.get('tenders', 0)} tenders, {s.get('groups', 0)} groups, "
                                  f"{s.get('flags', 0)} flags, {s.get('red', 0)} red")
        except cli.ContractError as exc:
            raise CommandError(str(exc)) from None
