"""Opening fan-out: latency from an event's commit to its arrival at each websocket client.

Not a test. Builds a throwaway SQLite database with one public tender in its
opening, starts Daphne worker(s) (trading.realtime.server: one on the in-memory
layer, or two sharing Redis), connects N anonymous watchers from separate client
processes (aiohttp), then has
the host pause and resume the opening over its own socket: each step is one
stored event. Latency = arrival time at a client - the event's "at" (taken in
the transaction just before commit, so the figure slightly overstates). As the
ceiling, the same clients measure a bare `websockets` broadcast server.

    .venv/bin/python bench/opening_fanout.py --watchers 1,100,1000,2000 --modes one,redis,bare

Needs redis-server on the PATH for the "redis" mode. Loopback only.

Production mode ("prod") measures the path users take: PostgreSQL, Redis, two Daphne
workers and nginx in front, started by scripts/prod_stack.sh through the wrapper

    bash bench/run_opening_prod.sh --watchers 1000,2000 --events 20

Every watcher connects through nginx, which spreads them over the workers; each
watcher count gets a fresh public tender with `--events` sealed bids, and the host
announces them one by one (唱标), so every event is a real bid announcement.
"""
import argparse
import asyncio
import json
import multiprocessing
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def raise_file_limit():
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def cpu_seconds(pid):
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# --- the world: database, tender, workers --------------------------------------------

def prepare_database(work):
    os.environ.update({"SUNLIGHT_VAR_DIR": str(work / "var"), "DATABASE_URL": f"sqlite:///{work / 'db.sqlite3'}",
                       "SUNLIGHT_FAST_HASHER": "1", "DJANGO_SETTINGS_MODULE": "trading.settings",
                       "PLATFORM_SIGNING_KEY_FILE": str(work / "platform.key")})
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from tests.opening.builders import ceremony, run_to
    from tests.realtime.helpers import token_for

    c = ceremony(is_public=True)
    run_to(c, "announcing")
    return c.tender.pk, token_for(c.host)


def prepare_prod_tender(n_bids):
    """In the production stack's PostgreSQL (env set by bench/run_opening_prod.sh): a tender ready to announce."""
    os.environ.setdefault("SUNLIGHT_FAST_HASHER", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trading.settings")
    import django

    django.setup()
    from tests.opening.builders import ceremony, run_to
    from tests.realtime.helpers import token_for

    c = ceremony(n_bids=n_bids, is_public=True)
    run_to(c, "announcing")
    return c.tender.pk, token_for(c.host)


def established(port):
    """Established TCP connections whose local end is `port` (what a worker is holding)."""
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            if state == "01" and int(local.rsplit(":", 1)[1], 16) == port:
                count += 1
    return count


def nginx_worker_pids(pid_file):
    master = Path(pid_file).read_text().strip()
    return [int(c) for c in Path(f"/proc/{master}/task/{master}/children").read_text().split()]


def start_daphne(redis_url=None):
    port = free_port()
    env = {**os.environ, "CONN_MAX_AGE": "60", "SUNLIGHT_OPENING_HEARTBEAT_SECONDS": "30"}
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    process = subprocess.Popen([sys.executable, "-m", "trading.realtime.server", "-e",
                                f"tcp:port={port}:interface=127.0.0.1:backlog=8192", "trading.asgi:application"],
                               env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_port(port)
    return process, port


def start_bare():
    port = free_port()
    process = subprocess.Popen([sys.executable, __file__, "--bare-server", str(port)], cwd=ROOT)
    wait_for_port(port)
    return process, port


def wait_for_port(port, seconds=90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"nothing listens on {port}")


def start_redis(work):
    port = free_port()
    subprocess.run(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                    "--daemonize", "yes", "--dir", str(work), "--pidfile", str(work / "redis.pid")], check=True)
    wait_for_port(port)
    return f"redis://127.0.0.1:{port}/0", work / "redis.pid"


# --- the bare ceiling ------------------------------------------------------------------

def bare_server(port):
    from websockets.asyncio.server import broadcast, serve

    clients = set()

    async def handler(ws):
        clients.add(ws)
        try:
            async for message in ws:
                if message.startswith("bcast"):
                    seq = int(message.split()[1])
                    broadcast(clients, json.dumps({"type": "event", "event": {
                        "seq": seq, "kind": "bare", "at": datetime.now().astimezone().isoformat()}}))
        finally:
            clients.discard(ws)

    async def main():
        async with serve(handler, "127.0.0.1", port, max_queue=None, ping_interval=None, backlog=8192):
            await asyncio.Future()

    asyncio.run(main())


# --- clients ---------------------------------------------------------------------------

def client_process(urls, origin, first_seq, count, ready, results):
    """Hold len(urls) sockets; record latency of events first_seq .. first_seq+count-1.

    aiohttp's websocket client parses frames in C: with a pure-Python client the two client
    processes, not the server, set the figure at 2,000 watchers (see README).
    """
    raise_file_limit()
    import aiohttp

    latencies = []
    last = first_seq + count - 1
    timeout = aiohttp.ClientWSTimeout(ws_receive=None, ws_close=10)

    async def watch(session, url, gate, connected):
        while True:  # a handshake refused under load is retried; the figure is about delivery, not connecting
            try:
                async with gate:
                    ws = await session.ws_connect(url, origin=origin, autoping=False, compress=0, timeout=timeout,
                                                  max_msg_size=0)
                    if "/ws/opening/" in url:  # ready once the snapshot is in
                        assert json.loads((await ws.receive()).data)["type"] == "snapshot"
                break
            except Exception:
                await asyncio.sleep(0.5)
        connected.append(1)
        async for message in ws:
            arrival = time.time()
            if message.type != aiohttp.WSMsgType.TEXT:
                raise RuntimeError(f"watcher lost its socket: {message.type} {message.data}")
            frame = json.loads(message.data)
            if frame.get("type") == "ping":
                await ws.send_str(json.dumps({"type": "pong"}))
            elif frame.get("type") == "event" and frame["event"]["seq"] >= first_seq:
                latencies.append((frame["event"]["seq"],
                                  arrival - datetime.fromisoformat(frame["event"]["at"]).timestamp()))
                if frame["event"]["seq"] >= last:
                    return ws  # closed once every watcher is done, so closing does not delay the others

    async def main():
        gate, connected = asyncio.Semaphore(50), []
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
            tasks = [asyncio.create_task(watch(session, url, gate, connected)) for url in urls]
            while len(connected) < len(urls):
                await asyncio.sleep(0.1)
            ready.put(len(urls))
            sockets = await asyncio.wait_for(asyncio.gather(*tasks), 600)
            await asyncio.gather(*(ws.close() for ws in sockets))

    asyncio.run(main())
    results.put(latencies)


async def produce(mode, port, tender_id, token, first_seq, count, interval):
    from websockets.asyncio.client import connect

    if mode == "bare":
        async with connect(f"ws://127.0.0.1:{port}/", ping_interval=None) as ws:
            for i in range(count):
                await ws.send(f"bcast {first_seq + i}")
                await asyncio.sleep(interval)
        return
    # API tokens never go in the URL: the producer trades its token for a one-connection ticket.
    import urllib.request

    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/ws-ticket/", data=b"", method="POST",
                                     headers={"Authorization": f"Token {token}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        ticket = json.loads(response.read())["ticket"]
    url = f"ws://127.0.0.1:{port}/ws/opening/{tender_id}/?ticket={ticket}"
    async with connect(url, origin=f"http://127.0.0.1:{port}", ping_interval=None, max_queue=None) as ws:
        for i in range(count):
            if mode == "prod":
                kind, args = "announce_next", {"position": i + 1}
            else:
                kind, args = ("pause" if i % 2 == 0 else "resume"), {"reason": "bench"}
            command_id = f"bench-{first_seq}-{i}"
            await ws.send(json.dumps({"type": kind, "id": command_id, "args": args}))
            while True:
                reply = json.loads(await ws.recv())
                if reply.get("id") == command_id:
                    break
            if reply.get("type") != "result":
                raise RuntimeError(f"{kind} refused: {reply}")
            await asyncio.sleep(interval)


def last_seq(tender_id):
    from trading.bids.opening.selectors import last_seq as read

    return read(tender_id)


def run(mode, watchers, ports, tender_id, token, events, interval, procs, pids, worker_ports=(), extra_pids=()):
    first_seq = 1 if mode == "bare" else last_seq(tender_id) + 1
    per_proc = [watchers // procs + (1 if i < watchers % procs else 0) for i in range(procs)]
    ready, results = multiprocessing.Queue(), multiprocessing.Queue()
    workers = []
    offset = 0
    for n in per_proc:
        if not n:
            continue
        urls = []
        for j in range(n):
            port = ports[(offset + j) % len(ports)]
            urls.append(f"ws://127.0.0.1:{port}/" if mode == "bare"
                        else f"ws://127.0.0.1:{port}/ws/opening/{tender_id}/?after={first_seq - 1}")
        offset += n
        process = multiprocessing.Process(target=client_process, args=(
            urls, f"http://127.0.0.1:{ports[0]}", first_seq, events, ready, results))
        process.start()
        workers.append(process)
    for _ in workers:
        ready.get(timeout=900)
    time.sleep(1)
    per_worker = [established(p) for p in worker_ports]  # watchers nginx handed to each worker (+ the odd idle one)
    cpu_before, wall_before = sum(cpu_seconds(p) for p in pids), time.monotonic()
    extra_before = sum(cpu_seconds(p) for p in extra_pids)
    asyncio.run(produce(mode, ports[0], tender_id, token, first_seq, events, interval))
    latencies = []
    for _ in workers:
        latencies += results.get(timeout=600)
    wall = time.monotonic() - wall_before
    cpu = (sum(cpu_seconds(p) for p in pids) - cpu_before) / wall
    extra_cpu = (sum(cpu_seconds(p) for p in extra_pids) - extra_before) / wall
    for process in workers:
        process.join(30)
    by_event = {}
    for seq, latency in latencies:
        by_event.setdefault(seq, []).append(latency)
    slowest_event_median = max(statistics.median(v) for v in by_event.values())
    latencies = sorted(latency for _seq, latency in latencies)
    p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000  # noqa: E731
    return {"mode": mode, "watchers": watchers, "deliveries": len(latencies), "expected": watchers * events,
            "p50_ms": round(p(0.50), 1), "p99_ms": round(p(0.99), 1), "max_ms": round(latencies[-1] * 1000, 1),
            "mean_ms": round(statistics.mean(latencies) * 1000, 1),
            "slowest_event_p50_ms": round(slowest_event_median * 1000, 1), "server_cpu_cores": round(cpu, 2),
            "server_cpu_ms_per_event": round(cpu * wall / events * 1000, 1),
            **({"connections_per_worker": per_worker} if worker_ports else {}),
            **({"nginx_cpu_cores": round(extra_cpu, 2)} if extra_pids else {})}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--watchers", default="1,100,1000,2000")
    parser.add_argument("--modes", default="one,redis,bare")
    parser.add_argument("--events", type=int, default=20)
    parser.add_argument("--interval", type=float, default=0.25)
    parser.add_argument("--client-procs", type=int, default=2)
    parser.add_argument("--bare-server", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare_server:
        return bare_server(args.bare_server)
    raise_file_limit()
    rows = []
    if args.modes == "prod":
        rows = run_prod(args)
        return print_table(rows)
    work = Path(tempfile.mkdtemp(prefix="opening-bench-"))
    tender_id, token = prepare_database(work)
    for mode in args.modes.split(","):
        redis_pid = None
        if mode == "bare":
            servers = [start_bare()]
        elif mode == "redis":
            redis_url, redis_pid = start_redis(work)
            servers = [start_daphne(redis_url), start_daphne(redis_url)]
        else:
            servers = [start_daphne()]
        try:
            for watchers in [int(w) for w in args.watchers.split(",")]:
                row = run(mode, watchers, [port for _p, port in servers], tender_id, token, args.events,
                          args.interval, min(args.client_procs, watchers), [p.pid for p, _port in servers])
                rows.append(row)
                print(json.dumps(row), flush=True)
        finally:
            for process, _port in servers:
                process.terminate()
                process.wait(10)
            if redis_pid:
                subprocess.run(["kill", redis_pid.read_text().strip()])
    print_table(rows)


def run_prod(args):
    """Against the stack bench/run_opening_prod.sh started: all watchers through nginx."""
    url = os.environ["STACK_URL"]
    nginx_port = int(url.rsplit(":", 1)[1])
    daphne_pids = [int(p) for p in os.environ["DAPHNE_PID_LIST"].split()]
    daphne_ports = [int(p) for p in os.environ["DAPHNE_PORT_LIST"].split()]
    nginx_pids = nginx_worker_pids(os.environ["NGINX_PID_FILE"])
    rows = []
    for watchers in [int(w) for w in args.watchers.split(",")]:
        tender_id, token = prepare_prod_tender(args.events)
        row = run("prod", watchers, [nginx_port], tender_id, token, args.events, args.interval,
                  min(args.client_procs, watchers), daphne_pids, daphne_ports, nginx_pids)
        row["load_average"] = os.getloadavg()
        rows.append(row)
        print(json.dumps(row), flush=True)
    return rows


def print_table(rows):
    print("\n| mode | watchers | deliveries | p50 ms | p99 ms | max ms | slowest event, median ms "
          "| server CPU (cores) | server CPU ms per event |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['mode']} | {r['watchers']} | {r['deliveries']}/{r['expected']} | {r['p50_ms']} | {r['p99_ms']} "
              f"| {r['max_ms']} | {r['slowest_event_p50_ms']} | {r['server_cpu_cores']} "
              f"| {r['server_cpu_ms_per_event']} |")


if __name__ == "__main__":
    main()
