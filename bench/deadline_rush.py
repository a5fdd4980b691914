"""Deadline rush: N contractors submit and replace sealed bids over the last W seconds before a
deadline, against production mode (PostgreSQL + Redis + Daphne workers + nginx, see
bench/run_rush.sh). Not a test.

    seed    (run inside the stack's environment) one tender closing in W + lead seconds and N
            contractors with API tokens, written to a JSON file
    load    the load generator, a separate process: asyncio + aiohttp, one coroutine per contractor
    verify  every receipt received matches a stored bid, nothing was accepted at or after the
            deadline, no stored bid lacks a receipt; then prints the figures as JSON
"""
import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def seed(args):
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trading.settings")
    import django

    django.setup()
    from tests.bids.builders import give_holder_key
    from tests.factories import api_token, make_organisation, make_user
    from tests.tenders.builders import published_tender
    from trading.accounts.models import User

    entity = give_holder_key(make_user("entity"))
    deadline = datetime.now(timezone.utc) + timedelta(seconds=args.window + args.lead)
    tender = published_tender(entity_user=entity, holders=[entity, give_holder_key(make_user("supervisor"))],
                              key_threshold=2, deadline=deadline, title="Deadline rush")
    users = []
    for n in range(args.contractors):
        organisation = make_organisation()
        users.append(User(username=f"rush-{tender.pk}-{n}", role="contractor", organisation=organisation))
    User.objects.bulk_create(users)  # no password: they only use API tokens
    users = User.objects.filter(username__startswith=f"rush-{tender.pk}-")
    tokens = [api_token(u) for u in users]
    Path(args.file).write_text(json.dumps({"tender": tender.pk, "deadline": tender.deadline.isoformat(),
                                           "tokens": tokens}))
    print(f"tender {tender.pk} closes at {tender.deadline.isoformat()}; {len(tokens)} contractors")


async def load(args):
    import aiohttp

    plan = json.loads(Path(args.file).read_text())
    deadline = datetime.fromisoformat(plan["deadline"]).timestamp()
    start = deadline - args.window
    results = []
    rng = random.Random(7)

    async def contractor(session, n, token):
        # Each contractor submits, then replaces its bid, at moments crowding towards the deadline;
        # a few are late on purpose (they must be refused).
        moments = sorted(start + args.window * (1 - rng.random() ** 2) for _ in range(args.submissions))
        if n % 50 == 0:
            moments.append(deadline + rng.uniform(0.05, 2.0))
        for i, moment in enumerate(moments):
            await asyncio.sleep(max(0.0, moment - time.time()))
            body = {"tender": plan["tender"], "price": f"{1000000 + n * 10 + i}.00", "duration_days": 180,
                    "quality": "Qualified, GB 50300", "project_manager": f"PM {n}",
                    "security_reference": f"BG-{n}", "client_key": f"rush-{plan['tender']}-{n}-{i}"}
            sent = time.time()
            try:
                async with session.post(args.url + "/api/bids/", json=body,
                                        headers={"Authorization": f"Token {token}"}) as response:
                    text = await response.text()
                    status = response.status
            except Exception as exc:  # noqa: BLE001 - counted as a failed request
                text, status = repr(exc), 0
            done = time.time()
            results.append({"n": n, "sent": sent, "done": done, "status": status,
                            "answer": json.loads(text) if status in (200, 201) else text[:200]})

    connector = aiohttp.TCPConnector(limit=args.connections)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=120)) as session:
        # Warm both workers (imports, URLconf, first connections) before the window opens.
        for _ in range(20):
            async with session.get(args.url + "/api/bids/", headers={"Authorization": f"Token {plan['tokens'][0]}"}):
                pass
        print(f"window opens in {start - time.time():.1f} s")
        await asyncio.gather(*(contractor(session, n, t) for n, t in enumerate(plan["tokens"])))
    Path(args.results).write_text(json.dumps(results))
    print(f"{len(results)} requests sent")


def verify(args):
    import psycopg

    plan = json.loads(Path(args.file).read_text())
    results = json.loads(Path(args.results).read_text())
    deadline = datetime.fromisoformat(plan["deadline"])
    url = os.environ["DATABASE_URL"].replace("postgres://", "postgresql://", 1)
    with psycopg.connect(url) as db:
        stored = {row[0]: row[1:] for row in db.execute(
            "select b.id, b.content_digest, b.received_at, r.seq from bids_bid b "
            "left join bids_receipt r on r.bid_id = b.id where b.tender_id = %s", [plan["tender"]])}
    accepted = [r for r in results if r["status"] in (200, 201)]
    receipts = {r["answer"]["bid"]["id"]: (r["answer"]["bid"]["content_digest"], r["answer"]["receipt"]["payload"]["seq"])
                for r in accepted}
    lost = [bid for bid, (digest, seq) in receipts.items()
            if bid not in stored or stored[bid][0] != digest or stored[bid][2] != seq]
    without_receipt = [bid for bid, row in stored.items() if row[2] is None or bid not in receipts]
    late_accepted = [bid for bid, row in stored.items() if row[1] >= deadline]
    sent_late = [r for r in results if r["sent"] >= deadline.timestamp()]
    on_time = [r for r in results if r["sent"] < deadline.timestamp() - 1]
    latencies = sorted((r["done"] - r["sent"]) * 1000 for r in on_time if r["status"] in (200, 201))
    per_second = {}
    for r in accepted:
        per_second[int(r["done"])] = per_second.get(int(r["done"]), 0) + 1
    figures = {
        "contractors": len(plan["tokens"]), "requests": len(results), "stored_bids": len(stored),
        "accepted": len(accepted), "lost_bids": len(lost), "stored_without_receipt": len(without_receipt),
        "accepted_after_deadline": len(late_accepted), "sent_after_deadline": len(sent_late),
        "late_refused": sum(1 for r in sent_late if r["status"] == 400),
        "errors": {str(s): sum(1 for r in results if r["status"] == s) for s in {r["status"] for r in results}
                   if s not in (200, 201)},
        "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1], 1) if latencies else None,
        "peak_accepted_per_s": max(per_second.values()) if per_second else 0,
        "mean_accepted_per_s_last_10s": round(sum(v for k, v in per_second.items()
                                                   if k >= deadline.timestamp() - 10) / 10, 1),
    }
    print(json.dumps(figures, indent=2))
    return 0 if not (lost or without_receipt or late_accepted) else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("step", choices=["seed", "load", "verify"])
    parser.add_argument("--file", default="/tmp/sunlight-rush.json")
    parser.add_argument("--results", default="/tmp/sunlight-rush-results.json")
    parser.add_argument("--url", default="http://127.0.0.1:8080")
    parser.add_argument("--contractors", type=int, default=1000)
    parser.add_argument("--submissions", type=int, default=3, help="per contractor (the first, then replacements)")
    parser.add_argument("--window", type=float, default=60.0)
    parser.add_argument("--lead", type=float, default=20.0, help="seconds between seeding and the window")
    parser.add_argument("--connections", type=int, default=400)
    args = parser.parse_args()
    if args.step == "seed":
        seed(args)
    elif args.step == "load":
        asyncio.run(load(args))
    else:
        sys.exit(verify(args))


if __name__ == "__main__":
    main()
