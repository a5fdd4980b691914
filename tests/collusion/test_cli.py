"""The file contract of COLLUSION-EVAL.md, end to end through manage.py collusion."""
import csv
import io

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

HEADER = "tender_id,bidder_id,amount,date,is_winner,reserve_price"


def bid_file(path, tenders=40, seed=3, collusive_every=4, header=HEADER, extra=None):
    """Competitive tenders with spread-out bids, and every ``collusive_every``-th tender
    rigged by one ring: bids packed within 1% of each other."""
    rng = np.random.default_rng(seed)
    lines = [header + (",collusive" if extra == "label" else "")]
    for t in range(tenders):
        rigged = t % collusive_every == 0
        firms = [f"R{i}" for i in range(4)] if rigged else [f"F{i}" for i in rng.choice(30, 5, replace=False)]
        base = float(rng.uniform(1e5, 1e6))
        amounts = base * (1 + (rng.uniform(0, 0.01, len(firms)) if rigged else rng.uniform(0, 0.4, len(firms))))
        win = int(np.argmin(amounts))
        for i, (firm, amount) in enumerate(zip(firms, amounts)):
            row = [f"T{t}", firm, f"{amount:.2f}", f"2024-{1 + t % 12:02d}-15", "1" if i == win else "0",
                   f"{base * 1.5:.2f}"]
            if extra == "label":
                row.append("1" if rigged else "0")
            lines.append(",".join(row))
    path.write_text("\n".join(lines) + "\n")
    return path


def read_csv(path):
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


def run(*args):
    out = io.StringIO()
    call_command("collusion", *args, stdout=out)
    return out.getvalue()


def test_score_writes_one_risk_per_tender_and_bidders_with_groups(tmp_path):
    bids = bid_file(tmp_path / "bids.csv")
    out, who = tmp_path / "scores.csv", tmp_path / "bidders.csv"
    message = run("score", "--input", str(bids), "--output", str(out), "--bidders-output", str(who))
    assert "40 tenders scored (unsupervised)" in message
    rows = read_csv(out)
    assert list(rows[0]) == ["tender_id", "risk"]
    assert [r["tender_id"] for r in rows] == [f"T{t}" for t in range(40)]
    risk = {r["tender_id"]: float(r["risk"]) for r in rows}
    assert all(0 <= v <= 1 for v in risk.values())
    rigged = [risk[f"T{t}"] for t in range(0, 40, 4)]
    honest = [risk[f"T{t}"] for t in range(40) if t % 4]
    assert np.mean(rigged) > np.mean(honest)
    bidders = read_csv(who)
    assert list(bidders[0]) == ["bidder_id", "risk", "group"]
    ring = {r["bidder_id"]: r for r in bidders if r["bidder_id"].startswith("R")}
    assert len(ring) == 4 and len({r["group"] for r in ring.values()}) == 1 and ring["R0"]["group"] != ""


def test_foreign_columns_are_read_through_the_mapping(tmp_path):
    foreign = bid_file(tmp_path / "foreign.csv", header="Tender,Firm,Bid_value,Day,Won,PTE")
    out = tmp_path / "scores.csv"
    run("score", "--input", str(foreign), "--output", str(out), "--map", "tender_id=Tender",
        "--map", "bidder_id=Firm", "--map", "amount=Bid_value", "--map", "date=Day", "--map", "is_winner=Won",
        "--map", "reserve_price=PTE")
    assert len(read_csv(out)) == 40


def test_numeric_dates_of_foreign_files_are_understood(tmp_path):
    path = tmp_path / "unix.csv"
    path.write_text("Tender,Bid_value,Date\n1,100,1274918400\n1,120,1274918400\n2,90,1274918400\n2,99,\n")
    out = tmp_path / "scores.csv"
    run("score", "--input", str(path), "--output", str(out), "--map", "tender_id=Tender",
        "--map", "amount=Bid_value", "--map", "date=Date")
    assert [r["tender_id"] for r in read_csv(out)] == ["1", "2"]


@pytest.mark.parametrize("content, expected", [
    ("tender_id,bidder_id,amount\nT1,a,100\nT1,b,abc\n", "row 2 (line 3), column 'amount': not a finite number"),
    ("tender_id,bidder_id,price\nT1,a,100\n", "column 'amount': required column is missing"),
    ("", "empty file"),
    ("tender_id,bidder_id,amount\n", "empty file"),
    ("tender_id,amount,date\nT1,100,2024-01-01\nT2,100,01/02/2024\n", "row 2 (line 3), column 'date': bad date"),
])
def test_bad_input_fails_in_one_line_and_writes_nothing(tmp_path, content, expected):
    work = tmp_path / "work"
    work.mkdir()
    bad = work / "bad.csv"
    bad.write_text(content)
    out, who = work / "scores.csv", work / "bidders.csv"
    with pytest.raises(CommandError) as error:
        run("score", "--input", str(bad), "--output", str(out), "--bidders-output", str(who))
    message = str(error.value)
    assert expected in message and "\n" not in message
    assert not out.exists() and not who.exists()
    assert list(work.iterdir()) == [bad]   # no temporary file left behind either


def test_a_mapped_column_is_named_as_the_file_calls_it(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("Tender,Bid_value\nT1,100\nT1,\n")
    with pytest.raises(CommandError, match=r"row 2 \(line 3\), column 'Bid_value' \(mapped to 'amount'\)"):
        run("score", "--input", str(bad), "--output", str(tmp_path / "o.csv"), "--map", "tender_id=Tender",
            "--map", "amount=Bid_value")
    with pytest.raises(CommandError, match="unknown field 'price'"):
        run("score", "--input", str(bad), "--output", str(tmp_path / "o.csv"), "--map", "price=Bid_value")


def test_a_failed_run_keeps_the_previous_output(tmp_path):
    out = tmp_path / "scores.csv"
    out.write_text("tender_id,risk\nOLD,0.5\n")
    bad = tmp_path / "bad.csv"
    bad.write_text("tender_id,amount\nT1,-5\n")
    with pytest.raises(CommandError, match="row 1 \\(line 2\\), column 'amount': must not be negative"):
        run("score", "--input", str(bad), "--output", str(out))
    assert out.read_text() == "tender_id,risk\nOLD,0.5\n"


def test_train_then_score_with_the_model(tmp_path):
    labelled = bid_file(tmp_path / "labelled.csv", tenders=60, extra="label")
    model = tmp_path / "model.pkl"
    assert "trained on 60 tenders (15 collusive)" in run("train", "--input", str(labelled), "--model", str(model))
    fresh = bid_file(tmp_path / "fresh.csv", tenders=40, seed=11)
    out = tmp_path / "scores.csv"
    assert "(supervised)" in run("score", "--input", str(fresh), "--model", str(model), "--output", str(out))
    risk = {r["tender_id"]: float(r["risk"]) for r in read_csv(out)}
    assert len(risk) == 40
    assert min(risk[f"T{t}"] for t in range(0, 40, 4)) > max(risk[f"T{t}"] for t in range(40) if t % 4)


def test_train_needs_labels_and_a_model_must_be_a_model(tmp_path):
    unlabelled = bid_file(tmp_path / "bids.csv")
    model = tmp_path / "model.pkl"
    with pytest.raises(CommandError, match="column 'collusive'"):
        run("train", "--input", str(unlabelled), "--model", str(model))
    assert not model.exists()
    model.write_bytes(b"not a model")
    with pytest.raises(CommandError, match="is not a collusion model"):
        run("score", "--input", str(unlabelled), "--model", str(model), "--output", str(tmp_path / "o.csv"))
    assert not (tmp_path / "o.csv").exists()


def test_the_command_line_exits_non_zero_with_one_line(tmp_path):
    import subprocess
    import sys

    bad = tmp_path / "bad.csv"
    bad.write_text("tender_id,amount\nT1,x\n")
    done = subprocess.run([sys.executable, "manage.py", "collusion", "score", "--input", str(bad), "--output",
                           str(tmp_path / "o.csv")], capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert done.stderr.strip().splitlines() == [
        f"CommandError: {bad}: row 1 (line 2), column 'amount': not a finite number: 'x'"]


def test_score_with_the_builtin_model_works_on_a_file_it_never_saw(tmp_path):
    bids = bid_file(tmp_path / "bids.csv", tenders=60, seed=21)
    out, who = tmp_path / "scores.csv", tmp_path / "bidders.csv"
    message = run("score", "--input", str(bids), "--model", "builtin", "--output", str(out),
                  "--bidders-output", str(who))
    assert "60 tenders scored (cross-market model)" in message
    risk = {r["tender_id"]: float(r["risk"]) for r in read_csv(out)}
    assert list(risk) == [f"T{t}" for t in range(60)] and all(0 <= v <= 1 for v in risk.values())
    assert min(risk[f"T{t}"] for t in range(0, 60, 4)) > max(risk[f"T{t}"] for t in range(60) if t % 4)
    assert {r["bidder_id"] for r in read_csv(who)} >= {"R0", "R1", "R2", "R3"}


def test_a_cross_market_model_file_scores_like_the_builtin_one(tmp_path):
    from trading.collusion.engine import load_builtin

    bids = bid_file(tmp_path / "bids.csv")
    path = tmp_path / "cross.json"
    load_builtin().save(path)
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    run("score", "--input", str(bids), "--model", "builtin", "--output", str(a))
    assert "(cross-market model)" in run("score", "--input", str(bids), "--model", str(path), "--output", str(b))
    assert a.read_text() == b.read_text()
    path.write_text('{"format": "something else"}')
    with pytest.raises(CommandError, match="is not a collusion model"):
        run("score", "--input", str(bids), "--model", str(path), "--output", str(tmp_path / "c.csv"))
