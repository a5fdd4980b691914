"""CSV and Excel (.xlsx, openpyxl) downloads of the statistics and the integrity index, headers in the reader's
language. Cells that a spreadsheet would read as a formula are prefixed with an apostrophe."""
import csv
import io

from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _

STAT_COLUMNS = (
    ("label", _("Group")), ("tenders", _("Tenders")), ("history_tenders", _("of which history")),
    ("value", _("Value (ceiling prices)")), ("awarded", _("Awarded")), ("award_value", _("Award amounts")),
    ("savings", _("Savings")), ("savings_percent", _("Savings (%)")), ("bids_per_tender", _("Bids per tender")),
    ("single_bid_percent", _("Single-bid tenders (%)")), ("failed_percent", _("Failed tenders (%)")),
    ("days_to_award_median", _("Days to award (median)")), ("days_to_contract_median", _("Days to contract (median)")),
    ("small_projects", _("Small projects")), ("small_value", _("Small projects' value")),
    ("entry_rate_count", _("Entry rate, by number (%)")), ("entry_rate_value", _("Entry rate, by value (%)")),
    ("open_rate_count", _("Open-tender rate, by number (%)")), ("open_rate_value", _("Open-tender rate, by value (%)")),
)
INTEGRITY_COLUMNS = (
    ("name", _("Procuring entity")), ("band_label", _("Warning")), ("points", _("Points")), ("tenders", _("Tenders")),
    ("red_checkpoints", _("Checkpoints that went red")), ("upheld_objections", _("Upheld objections")),
    ("upheld_complaints", _("Upheld complaints")), ("collusion_flags", _("Collusion flags")),
    ("contract_changes", _("Contracts changed beyond the threshold")),
    ("single_bid_percent", _("Single-bid tenders (%)")),
)


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def table(rows, columns):
    header = [str(label) for _, label in columns]
    return header, [[_cell(row.get(key)) for key, _ in columns] for row in rows]


def csv_response(filename, header, body):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    response.write("\ufeff")  # so spreadsheet programs read the Chinese headers as UTF-8
    writer = csv.writer(response)
    writer.writerow(header)
    for line in body:
        writer.writerow([str(v) for v in line])
    return response


def xlsx_response(filename, title, header, body):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(header)
    for line in body:
        sheet.append(list(line))
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(out.getvalue(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
