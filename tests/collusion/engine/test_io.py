import pytest

from trading.collusion.engine.io import BidDataError, read_bids_text

HEAD = "tender_id,bidder_id,amount,date,is_winner,reserve_price\n"


def test_reads_canonical_file():
    b = read_bids_text(HEAD + "T1,A,100,2024-01-02,1,120\nT1,B,110.5,,0,\n")
    assert list(b["amount"]) == [100.0, 110.5]
    assert str(b["date"].iloc[0])[:10] == "2024-01-02"
    assert b["is_winner"].tolist() == [1.0, 0.0]


def test_mapping_and_numeric_dates():
    txt = "Tender,Bid_value,Date\n1,10,1274918400\n1,12,-9223372037\n"
    b = read_bids_text(txt, {"tender_id": "Tender", "amount": "Bid_value", "date": "Date"}, date_unit="s")
    assert str(b["date"].iloc[0])[:10] == "2010-05-27"
    assert b["date"].isna().iloc[1]
    with pytest.raises(BidDataError, match="row 1, column 'date'"):
        read_bids_text(txt, {"tender_id": "Tender", "amount": "Bid_value", "date": "Date"})


def test_missing_column():
    with pytest.raises(BidDataError) as e:
        read_bids_text("tender_id,bidder_id\nT1,A\n")
    assert "amount" in str(e.value) and "missing" in str(e.value)


def test_non_numeric_amount_names_row_and_column():
    with pytest.raises(BidDataError) as e:
        read_bids_text(HEAD + "T1,A,100,,,\nT1,B,12x,,,\n")
    assert (e.value.row, e.value.column) == (2, "amount")
    assert str(e.value).startswith("row 2, column 'amount'")
    assert "\n" not in str(e.value)


@pytest.mark.parametrize("bad", ["-5", "inf", "nan", ""])
def test_bad_amounts(bad):
    with pytest.raises(BidDataError, match="column 'amount'"):
        read_bids_text(HEAD + f"T1,A,{bad},,,\n")


def test_bad_date_and_flag():
    with pytest.raises(BidDataError, match="row 1, column 'date'"):
        read_bids_text(HEAD + "T1,A,1,2024-13-01,,\n")
    with pytest.raises(BidDataError, match="column 'is_winner'"):
        read_bids_text(HEAD + "T1,A,1,,maybe,\n")


@pytest.mark.parametrize("text", ["", HEAD])
def test_empty_file(text):
    with pytest.raises(BidDataError, match="empty"):
        read_bids_text(text)
