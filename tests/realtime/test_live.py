"""Live: real Daphne workers in subprocesses and real websocket clients watching a whole ceremony."""
import asyncio

import pytest
from channels.db import database_sync_to_async

from trading.bids.opening.models import OpeningEvent

from tests.bids.builders import HOLDER_PASSPHRASE
from tests.realtime.live import Actor, Watcher, ceremony_with_tokens, daphne

pytestmark = [pytest.mark.live, pytest.mark.django_db(transaction=True), pytest.mark.asyncio,
              pytest.mark.timeout(120)]


@pytest.fixture
def live_ceremony(transactional_db):
    return ceremony_with_tokens()


def seqs(tender, audiences):
    return list(OpeningEvent.objects.filter(tender=tender, audience__in=audiences).order_by("seq")
                .values_list("seq", flat=True))


async def drive(c, ports, between_phases=None):
    """Run the whole ceremony through websocket commands; actors alternate between the given workers."""
    port = lambda i: ports[i % len(ports)]  # noqa: E731
    t = c.tender.pk
    host = await Actor(port(0), t, c.tokens[c.host.pk]).__aenter__()
    supervisor = await Actor(port(1), t, c.tokens[c.supervisors[0].pk]).__aenter__()
    bidders = [await Actor(port(i), t, c.tokens[u.pk]).__aenter__() for i, u in enumerate(c.bidders)]
    between = between_phases or (lambda phase: None)
    await host.do("open_room")
    for bidder in bidders:
        await bidder.do("sign_in")
    between("signed_in")
    await host.do("present_share", passphrase=HOLDER_PASSPHRASE)
    await supervisor.do("present_share", passphrase=HOLDER_PASSPHRASE)
    for _ in range(len(bidders) + 1):
        await host.do("announce_next")
    between("announced")
    for bidder in bidders:
        await bidder.do("confirm")
    await host.do("close")
    for actor in (host, supervisor, *bidders):
        await actor.__aexit__(None, None, None)


async def test_200_watchers_see_every_event_once_and_in_order_even_after_a_forced_disconnect(live_ceremony):
    c = live_ceremony
    with daphne() as port:
        watchers = [Watcher(port, c.tender.pk) for _ in range(200)]
        official = Watcher(port, c.tender.pk, c.tokens[c.supervisors[1].pk])
        tasks = [asyncio.create_task(w.run()) for w in [*watchers, official]]
        await asyncio.wait_for(asyncio.gather(*(w.connected.wait() for w in [*watchers, official])), 90)

        def cut(phase):
            chosen = watchers[:50] if phase == "signed_in" else watchers[150:]
            for watcher in chosen:
                watcher.cut()

        await drive(c, [port], cut)
        await asyncio.wait_for(asyncio.gather(*(w.done.wait() for w in [*watchers, official])), 60)
        for task in tasks:
            task.cancel()
    public = await database_sync_to_async(seqs)(c.tender, ["public"])
    everything = await database_sync_to_async(seqs)(c.tender, ["public", "participants", "officials"])
    assert len(public) > 15
    for watcher in watchers:
        assert watcher.seqs == public
    assert official.seqs == everything
    assert all(w.connections >= 2 for w in watchers[:50] + watchers[150:])
    assert all(w.connections == 1 for w in watchers[50:150])


async def test_two_workers_on_redis_show_clients_on_each_the_same_sequence(live_ceremony, redis_url):
    c = live_ceremony
    with daphne(redis_url=redis_url) as first, daphne(redis_url=redis_url) as second:
        watchers = [Watcher(port, c.tender.pk) for port in (first, second) for _ in range(5)]
        officials = [Watcher(port, c.tender.pk, c.tokens[c.supervisors[1].pk]) for port in (first, second)]
        tasks = [asyncio.create_task(w.run()) for w in [*watchers, *officials]]
        await asyncio.wait_for(asyncio.gather(*(w.connected.wait() for w in [*watchers, *officials])), 60)
        await drive(c, [first, second])
        await asyncio.wait_for(asyncio.gather(*(w.done.wait() for w in [*watchers, *officials])), 60)
        for task in tasks:
            task.cancel()
    public = await database_sync_to_async(seqs)(c.tender, ["public"])
    for watcher in watchers:
        assert watcher.seqs == public
    assert officials[0].seqs == officials[1].seqs == list(range(1, officials[0].seqs[-1] + 1))
    assert officials[0].kinds == officials[1].kinds
