from django.core.management.base import BaseCommand, CommandError

from trading.accounts.caller import Caller
from trading.history.importer import HistoryImportError, import_bid_file


class Command(BaseCommand):
    help = ("Import historical tenders and opened bids from a bid-history CSV "
            "(tender_id,bidder_id,amount,date,is_winner,reserve_price[,ip,device,bank_account,project_manager,"
            "buyer_id,disqualified]). A file with any bad row imports nothing.")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--map", action="append", default=[], metavar="field=COLUMN",
                            help="read a canonical field from a differently named column, e.g. amount=Bid_value")
        parser.add_argument("--prefix", default="H-", help="prefix of the imported tenders' references")
        parser.add_argument("--date-unit", choices=["s", "D"],
                            help="numeric dates: Unix seconds (s) or day numbers (D); guessed when omitted")

    def handle(self, *args, file, map, prefix, date_unit, **options):
        try:
            result = import_bid_file(Caller.system(), file, map, prefix=prefix, date_unit=date_unit, operator=True)
        except HistoryImportError as exc:
            raise CommandError(f"{file}: {exc}; nothing was imported") from None
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror or exc}; nothing was imported") from None
        self.stdout.write(f"Imported {result.tenders} tenders with {result.bids} opened bids "
                          f"({result.new_organisations} new organisations).")
