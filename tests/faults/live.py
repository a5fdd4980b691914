"""Processes the live fault tests kill and restart: a Daphne worker found by its port, a private Redis."""
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from tests.realtime.live import Watcher, free_port


def daphne_pid(port):
    """The pid of the Daphne worker that tests.realtime.live.daphne started on `port`."""
    needle = f"tcp:port={port}:".encode()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if needle in (entry / "cmdline").read_bytes():
                    return int(entry.name)
            except OSError:
                continue
    raise LookupError(f"no Daphne on port {port}")


def kill_worker(port):
    os.kill(daphne_pid(port), signal.SIGKILL)


def wait_for_port(port, up=True, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            if up:
                return
        except OSError:
            if not up:
                return
        time.sleep(0.05)
    raise TimeoutError(f"port {port} did not come {'up' if up else 'down'}")


class PrivateRedis:
    """A redis-server of this test alone, so it can be stopped and started again on the same port."""

    def __init__(self):
        self.binary = shutil.which("redis-server")
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="sunlight-redis-")
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen([self.binary, "--port", str(self.port), "--bind", "127.0.0.1",
                                         "--save", "", "--appendonly", "no", "--dir", self.dir],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(self.port)

    def stop(self):
        if self.process is not None:
            self.process.kill()
            self.process.wait(10)
            self.process = None
        wait_for_port(self.port, up=False)

    def close(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


@contextlib.contextmanager
def private_redis():
    redis = PrivateRedis()
    redis.start()
    try:
        yield redis
    finally:
        redis.close()


class FailoverWatcher(Watcher):
    """A watcher that, like a browser behind the proxy, reconnects to whichever worker is still alive."""

    def __init__(self, ports, dead, tender_id, token=None):
        super().__init__(ports[0], tender_id, token)
        self.ports, self.dead = ports, dead

    @property
    def port(self):
        return next(p for p in self.ports if p not in self.dead)

    @port.setter
    def port(self, value):
        pass
