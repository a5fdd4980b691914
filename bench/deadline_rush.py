"""Deadline rush: N contractors submit and replace sealed bids over the last W seconds before a
deadline, against production mode (PostgreSQL + Redis + Daphne workers + nginx, see
bench/run_rush.sh). Not a test.

    seed    (run inside the stack's environment) one tender closing in W + lead seconds and N
            contractors with API tokens, written to a JSON file
    load    the load generator, a separate process: asyncio + aiohttp, one coroutine per contractor
    verify  every receipt received matches a stored bid, nothing was accepted that arrived at or
            after the deadline, no stored bid lacks a receipt, no submission sent before the deadline
            was refused; then prints the figures as JSON
    cpu     (run by run_rush.sh before and after the load) CPU seconds used so far by the given
            processes and their children, and by PostgreSQL
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
IN_FLIGHT_SECONDS = 0.010


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
                                           "tokens": tokens, "statements": statements_per_submission(entity)}))
    print(f"tender {tender.pk} closes at {tender.deadline.isoformat()}; {len(tokens)} contractors")


def statements_per_submission(entity):
    """SQL statements of a first submission and of a replacement through the API (a scratch tender)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    from tests.bids.builders import give_holder_key
    from tests.factories import api_token, make_user
    from tests.tenders.builders import published_tender

    scratch = published_tender(entity_user=entity, holders=[entity, give_holder_key(make_user("supervisor"))],
                               key_threshold=2, title="Statement count")
    client, counts = APIClient(), []
    token = api_token(make_user("contractor"))
    for version in (1, 2):
        with CaptureQueriesContext(connection) as queries:
            response = client.post("/api/bids/", {**bid_body(scratch.pk, 0, version), "client_key": f"count-{version}"},
                                   format="json", HTTP_AUTHORIZATION=f"Token {token}", HTTP_HOST="127.0.0.1")
        assert response.status_code == 201, response.content
        counts.append(len(queries.captured_queries))
    return {"first": counts[0], "replacement": counts[1]}


def bid_body(tender, n, i):
    return {"tender": tender, "price": f"{1000000 + n * 10 + i}.00", "duration_days": 180,
            "quality": "Qualified, GB 50300", "project_manager": f"PM {n}", "security_reference": f"BG-{n}"}


def cpu_seconds(pids):
    """CPU seconds (user + system) of `pids`, their children, and every PostgreSQL process."""
    tick = os.sysconf("SC_CLK_TCK")

    def used(pid):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / tick
        except (OSError, IndexError, ValueError):
            return 0.0

    def tree(pid):
        yield pid
        for task in Path(f"/proc/{pid}/task").glob("*"):
            try:
                for child in (task / "children").read_text().split():
                    yield from tree(int(child))
            except OSError:
                continue

    workers = sum(used(p) for pid in pids for p in set(tree(pid)))
    database = sum(used(e.name) for e in Path("/proc").iterdir() if e.name.isdigit()
                   and b"postgres" in _cmdline(e))
    return {"workers": round(workers, 2), "database": round(database, 2)}


def _cmdline(entry):
    try:
        return (entry / "cmdline").read_bytes()
    except OSError:
        return b""


def pdf_of_size(size):
    """A one-page PDF of about `size` bytes (a random stream fills it), which the upload check opens as a PDF."""
    filler = os.urandom(size).hex()[:size].encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
               b"<< /Length %d >>\nstream\n%s\nendstream" % (len(filler), filler)]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


async def load(args):
    import aiohttp

    plan = json.loads(Path(args.file).read_text())
    deadline = datetime.fromisoformat(plan["deadline"]).timestamp()
    start = deadline - args.window
    results = []
    rng = random.Random(7)

    files = [pdf_of_size(args.attachment_mb * 1024 * 1024) for _ in range(args.attachments)]

    def form(body):
        data = aiohttp.FormData()
        for key, value in body.items():
            data.add_field(key, str(value))
        for k, content in enumerate(files):
            data.add_field("attachments", content, filename=f"annex-{k}.pdf", content_type="application/pdf")
        return data

    async def contractor(session, n, token):
        # Each contractor submits, then replaces its bid, at moments crowding towards the deadline;
        # a few are late on purpose (they must be refused).
        moments = sorted(start + args.window * (1 - rng.random() ** 2) for _ in range(args.submissions))
        if n % 50 == 0:
            moments.append(deadline + rng.uniform(0.05, 2.0))
        for i, moment in enumerate(moments):
            await asyncio.sleep(max(0.0, moment - time.time()))
            body = {**bid_body(plan["tender"], n, i), "client_key": f"rush-{plan['tender']}-{n}-{i}"}
            payload = {"data": form(body)} if files else {"json": body}
            trace = {"queued": time.time(), "sent": None}
            try:
                async with session.post(args.url + "/api/bids/", **payload, trace_request_ctx=trace,
                                        headers={"Authorization": f"Token {token}"}) as response:
                    text = await response.text()
                    status = response.status
            except Exception as exc:  # noqa: BLE001 - counted as a failed request
                text, status = repr(exc), 0
            done = time.time()
            sent = trace["sent"] or trace["queued"]
            results.append({"n": n, "sent": sent, "done": done, "status": status, "bytes": sum(map(len, files)),
                            "answer": json.loads(text) if status in (200, 201) else text[:200]})

    # Each contractor on its own connection, as in life (0: no limit); a shared pool would queue requests in the
    # load generator, before they reach the platform, and hide the platform's own queue.
    connector = aiohttp.TCPConnector(limit=args.connections)
    # "sent" is when the request's last byte was handed to the socket, not when the coroutine asked for it: under
    # this much load the generator's own event loop lags, and a bid it writes out after the deadline was not sent
    # before it.
    tracing = aiohttp.TraceConfig()

    async def written(_session, context, _params):
        if isinstance(context.trace_request_ctx, dict):
            context.trace_request_ctx["sent"] = time.time()

    tracing.on_request_headers_sent.append(written)
    tracing.on_request_chunk_sent.append(written)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=120),
                                     trace_configs=[tracing]) as session:
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
    cpu = json.loads(Path(args.cpu).read_text()) if args.cpu and Path(args.cpu).exists() else None
    url = os.environ["DATABASE_URL"].replace("postgres://", "postgresql://", 1)
    with psycopg.connect(url) as db:
        stored = {row[0]: row[1:] for row in db.execute(
            "select b.id, b.content_digest, b.received_at, r.seq, r.issued_at from bids_bid b "
            "left join bids_receipt r on r.bid_id = b.id where b.tender_id = %s", [plan["tender"]])}
    accepted = [r for r in results if r["status"] in (200, 201)]
    receipts = {r["answer"]["bid"]["id"]: (r["answer"]["bid"]["content_digest"], r["answer"]["receipt"]["payload"]["seq"])
                for r in accepted}
    lost = [bid for bid, (digest, seq) in receipts.items()
            if bid not in stored or stored[bid][0] != digest or stored[bid][2] != seq]
    without_receipt = [bid for bid, row in stored.items() if row[2] is None or bid not in receipts]
    # received_at is the arrival the deadline was judged at; a bid stored after the deadline that arrived
    # before it is in time. Late means: arrived at or after the deadline, or sent after it.
    late_accepted = [bid for bid, row in stored.items() if row[1] >= deadline]
    sent_late = [r for r in results if r["sent"] >= deadline.timestamp()]
    late_sent_accepted = [r for r in sent_late if r["status"] in (200, 201)]
    # A request whose last byte left the client in the final milliseconds may still be on its way (through the
    # kernel and nginx) when the deadline strikes: it arrives late, as it would over any network. Counted apart.
    in_flight = deadline.timestamp() - IN_FLIGHT_SECONDS
    sent_in_time = [r for r in results if r["sent"] < in_flight]
    in_time_refused = [r for r in sent_in_time if r["status"] not in (200, 201)]
    in_flight_refused = [r for r in results if in_flight <= r["sent"] < deadline.timestamp()
                         and r["status"] not in (200, 201)]
    stored_after_deadline = [bid for bid, row in stored.items() if row[3] is not None and row[3] >= deadline]
    on_time = [r for r in results if r["sent"] < deadline.timestamp() - 1]
    latencies = sorted((r["done"] - r["sent"]) * 1000 for r in on_time if r["status"] in (200, 201))
    per_second = {}
    for r in accepted:
        per_second[int(r["done"])] = per_second.get(int(r["done"]), 0) + 1
    figures = {
        "contractors": len(plan["tokens"]), "requests": len(results), "stored_bids": len(stored),
        "accepted": len(accepted), "lost_bids": len(lost), "stored_without_receipt": len(without_receipt),
        "accepted_after_deadline": len(late_accepted), "sent_after_deadline": len(sent_late),
        "accepted_although_sent_after_deadline": len(late_sent_accepted),
        "late_refused": sum(1 for r in sent_late if r["status"] == 400),
        "sent_before_deadline": len(sent_in_time), "refused_although_sent_before_deadline": len(in_time_refused),
        "refused_although_sent_before_deadline_by_status": {
            str(s): sum(1 for r in in_time_refused if r["status"] == s) for s in {r["status"] for r in in_time_refused}},
        f"sent_in_the_last_{int(IN_FLIGHT_SECONDS * 1000)}_ms_and_refused_as_arrived_late": len(in_flight_refused),
        "arrived_in_time_stored_after_deadline": len(stored_after_deadline),
        "errors": {str(s): sum(1 for r in results if r["status"] == s) for s in {r["status"] for r in results}
                   if s not in (200, 201)},
        "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1], 1) if latencies else None,
        "peak_accepted_per_s": max(per_second.values()) if per_second else 0,
        "mean_accepted_per_s_last_10s_before_deadline": round(sum(
            v for k, v in per_second.items() if deadline.timestamp() - 10 <= k < deadline.timestamp()) / 10, 1),
        "mean_accepted_per_s_while_busy": round(len(accepted) / max(1.0, max(r["done"] for r in accepted)
                                                                    - min(r["sent"] for r in accepted)), 1)
        if accepted else 0,
        "statements_per_submission": plan.get("statements"),
    }
    if cpu:
        used = {k: cpu["after"][k] - cpu["before"][k] for k in cpu["before"]}
        figures["cpu_ms_per_accepted"] = {k: round(1000 * v / max(1, len(accepted)), 1) for k, v in used.items()}
        figures["worker_peak_rss_mb"] = cpu.get("peak_rss_mb")
    uploaded = sum(r.get("bytes", 0) for r in accepted)
    if uploaded:
        span = max(r["done"] for r in accepted) - min(r["sent"] for r in accepted)
        figures["uploaded_mb_per_s"] = round(uploaded / 1e6 / max(span, 1e-3), 1)
    figures["lost_late_intime_refused"] = [len(lost), len(late_accepted) + len(late_sent_accepted), len(in_time_refused)]
    print(json.dumps(figures, indent=2))
    return 0 if not (lost or without_receipt or late_accepted or late_sent_accepted) else 1


def sample(args):
    """Add a CPU (and, after, peak memory) sample of the workers to the --cpu file."""
    pids = [int(p) for p in args.pids.split(",") if p]
    path = Path(args.cpu)
    samples = json.loads(path.read_text()) if path.exists() else {}
    samples[args.phase] = cpu_seconds(pids)
    if args.phase == "after":
        samples["peak_rss_mb"] = max((_peak_rss_mb(p) for pid in pids for p in [pid, *_children(pid)]), default=0)
    path.write_text(json.dumps(samples))


def _children(pid):
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def _peak_rss_mb(pid):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024)
    except OSError:
        pass
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("step", choices=["seed", "load", "verify", "cpu"])
    parser.add_argument("--file", default="/tmp/sunlight-rush.json")
    parser.add_argument("--results", default="/tmp/sunlight-rush-results.json")
    parser.add_argument("--url", default="http://127.0.0.1:8080")
    parser.add_argument("--contractors", type=int, default=1000)
    parser.add_argument("--submissions", type=int, default=3, help="per contractor (the first, then replacements)")
    parser.add_argument("--window", type=float, default=60.0)
    parser.add_argument("--lead", type=float, default=20.0, help="seconds between seeding and the window")
    parser.add_argument("--connections", type=int, default=0, help="client connections (0: one per contractor)")
    parser.add_argument("--attachments", type=int, default=0, help="files per bid (multipart)")
    parser.add_argument("--attachment-mb", type=int, default=2)
    parser.add_argument("--cpu", default="", help="(verify, cpu) the file of CPU samples")
    parser.add_argument("--pids", default="", help="(cpu) worker pids, comma-separated")
    parser.add_argument("--phase", choices=["before", "after"], default="before")
    args = parser.parse_args()
    if args.step == "seed":
        seed(args)
    elif args.step == "load":
        asyncio.run(load(args))
    elif args.step == "cpu":
        sample(args)
    else:
        sys.exit(verify(args))


if __name__ == "__main__":
    main()
