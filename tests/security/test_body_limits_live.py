"""A real Daphne worker (trading.realtime.server) under oversized and concurrent maximum-size uploads: refused
from the headers, parsed to disk, and the worker's memory stays where it was (bench/upload_memory.py)."""
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.live

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))


def test_uploads_do_not_grow_the_worker():
    from upload_memory import measure

    figures = measure(uploads=5, megabytes=30, anonymous_megabytes=100)
    # An anonymous 100 MB multipart POST to the login page is refused from its headers (the issue saw
    # the worker grow from 326 MB to 1.5 GB); its body is never read.
    assert figures["anonymous_status"] == 413, figures
    assert figures["peak_after_anonymous"] - figures["before"] < 20, figures
    # Five logged-in 30 MB uploads at once are parsed (the view answers; 403: a contractor holds no key
    # share) with the worker's peak memory a few MB above where it started, not 5 x 30 MB or more.
    assert figures["upload_statuses"] == [403], figures
    assert figures["peak"] - figures["before"] < 60, figures
