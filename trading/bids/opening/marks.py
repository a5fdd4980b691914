"""Marks that other rooms set against a bid at the opening (a bid whose bid security is not confirmed, ...).

A registry like tenders.holds: the rooms above bids register a source when they start, and the opening asks
the registry; bids imports none of them. A source is `source(tender) -> set of bidder (organisation) ids` that
carry the mark. The announcement and the signed record store each mark's code; its label is the reader's words.
"""
# code -> (label, source, the announced field the mark is shown beside)
MARKS = {}


def register(code, label, source, field="security_reference"):
    MARKS[code] = (label, source, field)


def of_tender(tender):
    """bidder id -> the codes of its marks on this tender (only bidders that carry one)."""
    found = {}
    for code, (_label, source, _field) in MARKS.items():
        for bidder_id in source(tender):
            found.setdefault(bidder_id, []).append(code)
    return found


def label(code):
    """The mark's words in the reader's language; an unknown code (a later record format) as it is."""
    return str(MARKS[code][0]) if code in MARKS else code


def shown(row, codes):
    """A readable copy of a recorded bid (a dict) with each mark's words beside the field it concerns, so the record
    page and the PDF show it where a reader looks (the bid security column). Never for the signed body itself."""
    if not codes:
        return row
    row = {**row, "mark_labels": [label(code) for code in codes]}
    for code in codes:
        field = MARKS[code][2] if code in MARKS else "security_reference"
        row[field] = " — ".join(part for part in (row.get(field) or "", "⚠ " + label(code)) if part)
    return row


def announced(tender, bid):
    """The fields an announcement adds for this bid's marks ({} without any): the codes and their words. The
    announced bid fields stay exactly the sealed bid's (scripts/verify_opening.py compares them)."""
    codes = of_tender(tender).get(bid.bidder_id, [])
    if not codes:
        return {}
    return {"marks": codes, "mark_labels": [label(code) for code in codes]}
