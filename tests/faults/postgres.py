"""A private PostgreSQL cluster (initdb + pg_ctl, as scripts/services.sh starts it) that a test may restart."""
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings

from tests.realtime.live import free_port

ROOT = Path(settings.BASE_DIR)


def _as_postgres():
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


def pg_bin():
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    return found[-1].parent if found else None


class PrivatePostgres:
    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="sunlight-pg-"))
        self.dir.chmod(0o755)
        self.port = free_port()
        self.bin = pg_bin()

    @property
    def url(self):
        return f"postgres://sunlight@127.0.0.1:{self.port}/sunlight"

    def create(self):
        subprocess.run(["bash", "-c", f"source scripts/services.sh && PG_PORT={self.port} start_postgres {self.dir}"],
                       cwd=ROOT, check=True, capture_output=True)

    def pg_ctl(self, *args):
        subprocess.run([*_as_postgres(), str(self.bin / "pg_ctl"), "-D", str(self.dir / "data"), *args],
                       check=True, capture_output=True)

    def stop(self):
        self.pg_ctl("-m", "fast", "-w", "stop")

    def start(self):
        self.pg_ctl("-l", str(self.dir / "log"), "-w", "-o",
                    f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off", "start")

    def manage(self, *args, env=None):
        return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, check=True, capture_output=True,
                              text=True, env={**os.environ, "DATABASE_URL": self.url, **(env or {})})

    def close(self):
        try:
            self.pg_ctl("-m", "immediate", "stop")
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.dir, ignore_errors=True)
