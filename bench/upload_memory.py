"""Worker memory under concurrent maximum-size uploads.

    .venv/bin/python bench/upload_memory.py [--uploads 20] [--megabytes 30] [--anonymous-megabytes 100]

Starts one Daphne worker (`python -m trading.realtime.server`, as `make demo` and production run it) on an
embedded database in a temporary folder, logs a contractor in, then:

1. anonymous: one `--anonymous-megabytes` multipart POST to the login page (refused with 413 from its
   headers; the body is never read);
2. `--uploads` logged-in multipart POSTs of `--megabytes` each (the largest body a user may send, parsed
   by Django, every file part written to a temporary file), all at once.

It reports the worker's resident memory (VmRSS) before, its peak (VmHWM) and after, from /proc. Needs
only requirements.txt. `measure()` is also used by tests/security/test_body_limits_live.py.
"""
import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024
CSRF = "a" * 32
BOUNDARY = "----sunlight-bench-boundary"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def memory(pid):
    """(VmRSS, VmHWM) of a process in MB."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def multipart_head(size):
    """Headers-to-body prefix and suffix of a form with the CSRF token and one file of `size` bytes."""
    prefix = (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"csrfmiddlewaretoken\"\r\n\r\n{CSRF}\r\n"
              f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"upload\"; filename=\"plan.pdf\"\r\n"
              f"Content-Type: application/pdf\r\n\r\n").encode()
    suffix = f"\r\n--{BOUNDARY}--\r\n".encode()
    return prefix, suffix


async def post(port, path, size, cookie=""):
    """Stream a multipart POST of `size` file bytes; return the status code (0 if the server cut us off first)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    prefix, suffix = multipart_head(size)
    headers = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary={BOUNDARY}\r\n"
               f"Content-Length: {len(prefix) + size + len(suffix)}\r\nReferer: http://127.0.0.1:{port}/\r\n"
               + (f"Cookie: {cookie}\r\n" if cookie else "") + "Expect: 100-continue\r\nConnection: close\r\n\r\n").encode()
    chunk = b"%PDF-1.4 " + b"x" * (MB - 9)
    writer.write(headers)
    # Like curl: wait for "100 Continue" before the body, so a refusal from the headers alone is read cleanly.
    try:
        first = await asyncio.wait_for(reader.readline(), 30)
    except (ConnectionError, OSError, TimeoutError):
        first = b""
    if not first.startswith(b"HTTP/1.1 100"):
        writer.close()
        parts = first.split()
        return int(parts[1]) if len(parts) > 1 else 0
    await reader.readline()  # the blank line after 100 Continue
    try:
        writer.write(prefix)
        sent = 0
        while sent < size:
            part = chunk[:min(MB, size - sent)]
            writer.write(part)
            sent += len(part)
            await writer.drain()
        writer.write(suffix)
        await writer.drain()
    except (ConnectionError, OSError):
        pass  # refused before we finished: read the answer the server already sent
    try:
        status_line = await asyncio.wait_for(reader.readline(), 120)
    except (ConnectionError, OSError, TimeoutError):
        status_line = b""
    writer.close()
    parts = status_line.split()
    return int(parts[1]) if len(parts) > 1 else 0


def start(work, port):
    env = {**os.environ, "SUNLIGHT_VAR_DIR": str(work), "SUNLIGHT_FAST_HASHER": "1", "DEBUG": "0",
           "ALLOWED_HOSTS": "127.0.0.1", "LOG_LEVEL": "ERROR"}
    for name in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "MEDIA_ROOT", "PLATFORM_SIGNING_KEY_FILE"):
        env.pop(name, None)
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run(manage + ["migrate", "-v", "0"], env=env, check=True, cwd=ROOT)
    code = ("from django.test import Client; from tests.factories import make_user; c = Client(); "
            "c.force_login(make_user('contractor')); print(c.cookies['sessionid'].value)")
    session = subprocess.run(manage + ["shell", "-v", "0", "-c", code], env=env, check=True, cwd=ROOT,
                             capture_output=True, text=True).stdout.strip().splitlines()[-1]
    log = open(work / "daphne.log", "wb")
    process = subprocess.Popen([sys.executable, "-m", "trading.realtime.server", "-b", "127.0.0.1", "-p", str(port),
                                "trading.asgi:application"], env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2).read()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((work / "daphne.log").read_text()[-3000:]) from None
            time.sleep(0.3)
    return process, session


async def _uploads(port, count, size, cookie):
    return await asyncio.gather(*(post(port, "/accounts/profile/", size, cookie) for _ in range(count)))


def measure(uploads=20, megabytes=30, anonymous_megabytes=100, port=None, work=None):
    """Run both loads against a fresh worker; return a dict of figures (MB) and statuses."""
    port = port or free_port()
    with tempfile.TemporaryDirectory(prefix="sunlight-upload-") as tmp:
        work = Path(work or tmp)
        process, session = start(work, port)
        try:
            for _ in range(3):  # warm the worker: templates, URL resolver, sessions
                urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=10).read()
            before, _peak = memory(process.pid)
            cookie = f"sessionid={session}; csrftoken={CSRF}"
            started = time.monotonic()
            anonymous = asyncio.run(post(port, "/accounts/login/", anonymous_megabytes * MB))
            after_anonymous, peak_anonymous = memory(process.pid)
            statuses = asyncio.run(_uploads(port, uploads, megabytes * MB - 4096, cookie))
            seconds = time.monotonic() - started
            after, peak = memory(process.pid)
        finally:
            process.terminate()
            process.wait(10)
    return {"before": round(before), "after_anonymous": round(after_anonymous),
            "peak_after_anonymous": round(peak_anonymous), "peak": round(peak), "after": round(after),
            "anonymous_status": anonymous, "upload_statuses": sorted(set(statuses)), "seconds": round(seconds, 1),
            "uploads": uploads, "megabytes": megabytes, "anonymous_megabytes": anonymous_megabytes}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--uploads", type=int, default=20)
    parser.add_argument("--megabytes", type=int, default=30)
    parser.add_argument("--anonymous-megabytes", type=int, default=100)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    print(json.dumps(measure(args.uploads, args.megabytes, args.anonymous_megabytes), indent=2))


if __name__ == "__main__":
    main()
