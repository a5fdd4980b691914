"""Live faults during an opening: two Daphne workers on Redis, real websocket clients.

- One worker is killed mid-opening: its watchers reconnect to the other and end with the
  complete record.
- Redis is stopped mid-opening and started again (empty): after resuming, no client misses an
  event; the stored stream with resume-from-sequence is what guarantees it.
"""
import asyncio

import pytest
from channels.db import database_sync_to_async

from tests.faults.live import FailoverWatcher, kill_worker, private_redis
from tests.realtime.live import ceremony_with_tokens, daphne
from tests.realtime.test_live import drive, seqs

pytestmark = [pytest.mark.live, pytest.mark.django_db(transaction=True), pytest.mark.asyncio,
              pytest.mark.timeout(180)]


@pytest.fixture
def live_ceremony(transactional_db):
    return ceremony_with_tokens()


async def watch(c, first, second, dead, per_worker=10):
    watchers = [FailoverWatcher(ports, dead, c.tender.pk) for ports in ([first, second], [second, first])
                for _ in range(per_worker)]
    officials = [FailoverWatcher(ports, dead, c.tender.pk, c.tokens[c.supervisors[1].pk])
                 for ports in ([first, second], [second, first])]
    everyone = [*watchers, *officials]
    tasks = [asyncio.create_task(w.run()) for w in everyone]
    await asyncio.wait_for(asyncio.gather(*(w.connected.wait() for w in everyone)), 60)
    return watchers, officials, tasks


async def finish(c, watchers, officials, tasks):
    await asyncio.wait_for(asyncio.gather(*(w.done.wait() for w in [*watchers, *officials])), 60)
    for task in tasks:
        task.cancel()
    public = await database_sync_to_async(seqs)(c.tender, ["public"])
    everything = await database_sync_to_async(seqs)(c.tender, ["public", "participants", "officials"])
    assert len(public) > 15
    for watcher in watchers:
        assert watcher.seqs == public
    for official in officials:
        assert official.seqs == everything == list(range(1, everything[-1] + 1))


async def test_watchers_of_a_killed_worker_reconnect_to_the_other_and_get_the_whole_record(live_ceremony):
    c = live_ceremony
    dead = set()
    with private_redis() as redis, daphne(redis_url=redis.url) as first, daphne(redis_url=redis.url) as second:
        watchers, officials, tasks = await watch(c, first, second, dead)

        def kill_first(phase):
            if phase == "signed_in":
                dead.add(first)
                kill_worker(first)

        await drive(c, [second], kill_first)
        await finish(c, watchers, officials, tasks)
    moved = [w for w in watchers if w.ports[0] == first]
    assert moved and all(w.connections >= 2 for w in moved)
    assert all(w.connections == 1 for w in watchers if w.ports[0] == second)


async def test_no_watcher_misses_an_event_when_redis_restarts_mid_opening(live_ceremony):
    c = live_ceremony
    with private_redis() as redis, daphne(redis_url=redis.url) as first, daphne(redis_url=redis.url) as second:
        watchers, officials, tasks = await watch(c, first, second, set())

        def outage(phase):
            if phase == "signed_in":
                redis.stop()  # decryption and announcements happen while Redis is down
            elif phase == "announced":
                redis.start()  # an empty Redis: every group membership is gone

        await drive(c, [first, second], outage)
        await finish(c, watchers, officials, tasks)
