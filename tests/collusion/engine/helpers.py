"""Small builders for constructed bid tables."""
import numpy as np
import pandas as pd


def tender(tid, amounts, bidders=None, winner="lowest", reserve=None, **extra):
    n = len(amounts)
    bidders = bidders or [f"{tid}-f{i}" for i in range(n)]
    win = np.zeros(n)
    if winner == "lowest":
        win[int(np.argmin(amounts))] = 1
    df = pd.DataFrame({"tender_id": str(tid), "bidder_id": bidders, "amount": np.asarray(amounts, float),
                       "date": pd.NaT, "is_winner": win,
                       "reserve_price": np.nan if reserve is None else float(reserve)})
    for k, v in extra.items():
        df[k] = v
    return df


def market(*tenders):
    return pd.concat(tenders, ignore_index=True)


def random_market(n_tenders=200, n_firms=60, seed=1, per=(3, 8), spread=0.15):
    rng = np.random.default_rng(seed)
    parts = []
    for t in range(n_tenders):
        k = int(rng.integers(per[0], per[1] + 1))
        firms = rng.choice(n_firms, size=k, replace=False)
        base = rng.lognormal(12, 1)
        amounts = base * (1 + rng.uniform(0, spread * 2, k))
        parts.append(tender(f"R{t}", amounts.tolist(), [f"F{f}" for f in firms]))
    return market(*parts)
