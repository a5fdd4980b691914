"""PostgreSQL restarted while contractors submit bids to a Daphne worker: clients get a clear
503 "send it again" (never a 500 or a traceback), no half-written bid remains, every receipt
handed out belongs to a stored bid, and once refused submissions are sent again with their
client keys, every stored bid has reached its bidder as a receipt and none is stored twice.

PostgreSQL only (a private cluster of its own, so the rest of the suite is not disturbed)."""
import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import psycopg
import pytest
from django.conf import settings

from tests.conftest import require_service
from tests.faults.live import wait_for_port
from tests.faults.postgres import PrivatePostgres, pg_bin
from tests.files import pdf
from tests.realtime.live import free_port

pytestmark = [pytest.mark.postgres_only, pytest.mark.live, pytest.mark.timeout(300)]
PDF = pdf("padding " * 250)


@pytest.fixture
def private_pg():
    require_service(pg_bin(), "PostgreSQL server binaries")
    pg = PrivatePostgres()
    try:
        pg.create()
        pg.manage("migrate", "--no-input", "-v", "0")
        yield pg
    finally:
        pg.close()


def start_worker(pg, media, key_file):
    port = free_port()
    env = {**os.environ, "DATABASE_URL": pg.url, "MEDIA_ROOT": str(media), "PLATFORM_SIGNING_KEY_FILE": str(key_file),
           "ALLOWED_HOSTS": "127.0.0.1", "CONN_MAX_AGE": "0", "SUNLIGHT_FAST_HASHER": "1"}
    env.pop("REDIS_URL", None)
    log = open(media.parent / "daphne.log", "wb")
    process = subprocess.Popen([sys.executable, "-m", "trading.realtime.server", "-b", "127.0.0.1", "-p", str(port),
                                "trading.asgi:application"], cwd=settings.BASE_DIR, env=env, stdout=log,
                               stderr=subprocess.STDOUT)
    wait_for_port(port, timeout=60)
    return process, port


async def post_bid(session, port, token, fields):
    form = aiohttp.FormData()
    for name, value in fields.items():
        form.add_field(name, str(value))
    form.add_field("attachments", PDF, filename="plan.pdf", content_type="application/pdf")
    async with session.post(f"http://127.0.0.1:{port}/api/bids/", data=form,
                            headers={"Authorization": f"Token {token}"}) as response:
        return response.status, response.headers.get("Content-Type", ""), await response.text()


async def send_again(port, refused):
    """What a contractor's tool does with a 503: send the same submission again, same client key."""
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session:
        return [await post_bid(session, port, token, fields) for token, fields in refused]


async def rush(port, tender, tokens, outage):
    """Every contractor submits and replaces bids in a loop; once some are stored, PostgreSQL
    restarts; the rush goes on until as many again are stored after the restart."""
    answers = []  # (status, content type, body, the form's fields)
    restarted = asyncio.Event()
    after_restart = []

    async def contractor(session, n, token):
        i = 0
        while len(after_restart) < len(tokens):
            i += 1
            fields = {"tender": tender, "price": f"{1000000 + n * 100 + i}.00", "duration_days": "200",
                      "quality": "GB 50300", "project_manager": f"PM {n}", "security_reference": "BG-1",
                      "client_key": f"c{n}-{i}"}
            answer = (*await post_bid(session, port, token, fields), (token, fields))
            answers.append(answer)
            if restarted.is_set() and answer[0] in (200, 201):
                after_restart.append(answer)

    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session:
        clients = [asyncio.create_task(contractor(session, n, token)) for n, token in enumerate(tokens)]
        while len(answers) < len(tokens):
            await asyncio.sleep(0.05)
        await asyncio.to_thread(outage)
        restarted.set()
        await asyncio.wait_for(asyncio.gather(*clients), 120)
    return answers


def test_restarting_postgres_during_submissions_loses_nothing_and_explains_itself(private_pg, tmp_path):
    media = tmp_path / "worker-media"
    media.mkdir()
    seeded = private_pg.manage("shell", "-c", Path(__file__).with_name("seed_rush.py").read_text(),
                               env={"SEED_CONTRACTORS": "12", "SUNLIGHT_FAST_HASHER": "1",
                                    "PLATFORM_SIGNING_KEY_FILE": str(tmp_path / "key")})
    seed = json.loads(next(line for line in seeded.stdout.splitlines() if line.startswith("SEED "))[5:])
    worker, port = start_worker(private_pg, media, tmp_path / "key")

    def outage():
        private_pg.stop()
        time.sleep(1.5)
        private_pg.start()

    try:
        answers = asyncio.run(rush(port, seed["tender"], seed["tokens"], outage=outage))
        refused = [(status, kind, body) for status, kind, body, _ in answers if status not in (200, 201)]
        resent = asyncio.run(send_again(port, [sent for status, _, _, sent in answers if status not in (200, 201)]))
    finally:
        worker.terminate()
        worker.wait(20)

    first_answers = [json.loads(body) for status, _, body, _ in answers if status in (200, 201)]
    print(f"{len(first_answers)} stored, {len(refused)} refused")
    assert first_answers and refused, "the outage should have refused some submissions and not others"
    for status, kind, body in refused:
        assert status == 503 and kind.startswith("application/json"), (status, body[:300])
        assert json.loads(body)["retry"] is True and "Traceback" not in body
    assert all(status in (200, 201) for status, _, _ in resent), [a[:2] for a in resent]
    stored_answers = first_answers + [json.loads(body) for _, _, body in resent]

    with psycopg.connect(private_pg.url.replace("postgres://", "postgresql://")) as db:
        bids = {row[0]: row[1:] for row in db.execute(
            "select b.id, b.content_digest, r.seq from bids_bid b left join bids_receipt r on r.bid_id = b.id")}
        files = {row[0] for row in db.execute("select sealed_file from bids_bidattachment")}
        active = db.execute("select bidder_id, count(*) from bids_bid where status = 'active' "
                            "group by bidder_id having count(*) > 1").fetchall()
    # Every receipt sent matches a stored bid, and every stored bid reached its bidder as a receipt
    # (a submission committed just as the database went away is answered when sent again).
    assert {bid_id: (digest, seq) for bid_id, (digest, seq) in bids.items()} == {
        a["bid"]["id"]: (a["bid"]["content_digest"], a["receipt"]["payload"]["seq"]) for a in stored_answers}
    # Sent again, a submission is never stored twice: one bid per client key.
    with psycopg.connect(private_pg.url.replace("postgres://", "postgresql://")) as db:
        assert not db.execute("select client_key from bids_bid group by bidder_id, client_key "
                              "having count(*) > 1").fetchall()
    assert not active
    # No half-stored attachment: the files on disk are exactly those of stored bids.
    on_disk = {str(p.relative_to(media)) for p in media.rglob("*") if p.is_file()}
    assert on_disk == files and len(files) == len(bids)
