"""Production settings chosen by environment: no start with a public SECRET_KEY, Secure cookies and HSTS
behind HTTPS, `check --deploy` clean with the documented variables, files for the service user only."""
import os
import secrets
import stat
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.bids.builders import submit

MANAGE = [sys.executable, str(django_settings.BASE_DIR / "manage.py")]
PRODUCTION = {"DEBUG": "0", "SUNLIGHT_HTTPS": "1", "ALLOWED_HOSTS": "trading.example.gov.cn",
              "CSRF_TRUSTED_ORIGINS": "https://trading.example.gov.cn"}


def run(args, tmp_path, **env):
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for their own thread; production never does.
    clean = {k: v for k, v in os.environ.items()
             if k not in {"SECRET_KEY", "DEBUG", "SUNLIGHT_HTTPS", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    return subprocess.run(MANAGE + args, capture_output=True, text=True, timeout=120,
                          env={**clean, "SUNLIGHT_VAR_DIR": str(tmp_path / "var"), **env})


def test_the_public_default_secret_key_is_refused_at_start(tmp_path):
    for key in ("sunlight-embedded-default-not-for-production", "short", "a" * 50):
        started = run(["check"], tmp_path, SECRET_KEY=key, DEBUG="0")
        assert started.returncode != 0 and "SECRET_KEY is the public default or too weak" in started.stderr, key


def test_with_no_secret_key_set_each_install_makes_its_own_readable_by_the_service_user_only(tmp_path):
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    first = run(["shell", "-v", "0", "-c", code], tmp_path)
    assert first.returncode == 0, first.stderr
    again = run(["shell", "-v", "0", "-c", code], tmp_path)
    key_file = tmp_path / "var" / "secret_key"
    assert first.stdout == again.stdout and first.stdout.strip() == key_file.read_text()
    assert len(first.stdout.strip()) >= 50 and "sunlight-embedded-default" not in first.stdout
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "var").stat().st_mode) == 0o700  # database, keys, media inside


def test_check_deploy_is_clean_with_the_documented_production_settings(tmp_path):
    # Every check, the API schema's included (one name per component and per choice set).
    production = run(["check", "--deploy", "--fail-level", "WARNING"], tmp_path,
                     SECRET_KEY=secrets.token_urlsafe(50), **PRODUCTION)
    assert production.returncode == 0, production.stderr
    assert "no issues" in production.stdout
    # Without SUNLIGHT_HTTPS the same check names what is missing: the test above can fail.
    plain = run(["check", "--deploy", "--tag", "security", "--fail-level", "WARNING"], tmp_path,
                SECRET_KEY=secrets.token_urlsafe(50), **{**PRODUCTION, "SUNLIGHT_HTTPS": "0"})
    assert plain.returncode != 0 and "SESSION_COOKIE_SECURE" in plain.stderr and "HSTS" in plain.stderr


def test_behind_https_cookies_are_secure_and_hsts_is_sent(tmp_path):
    code = ("from django.test import Client; r = Client().get('/accounts/login/', secure=True, "
            "HTTP_HOST='trading.example.gov.cn'); print(r.status_code, r.headers.get('Strict-Transport-Security'), "
            "r.cookies['csrftoken']['secure'], Client().get('/', HTTP_HOST='trading.example.gov.cn').status_code)")
    answer = run(["shell", "-v", "0", "-c", code], tmp_path, SECRET_KEY=secrets.token_urlsafe(50), **PRODUCTION)
    assert answer.returncode == 0, answer.stderr
    status, *hsts, secure, plain_status = answer.stdout.split()
    assert status == "200" and " ".join(hsts) == "max-age=31536000; includeSubDomains; preload"
    assert secure == "True" and plain_status == "301"  # plain HTTP is sent to HTTPS


@pytest.mark.django_db
def test_uploaded_and_sealed_files_are_readable_by_the_service_user_only(contractor, tender_for_bids, settings):
    submit(contractor, tender_for_bids, attachments=[SimpleUploadedFile("plan.txt", b"site plan")])
    stored = [p for p in settings.MEDIA_ROOT.rglob("*")]
    assert any(p.is_file() for p in stored)
    for path in stored:
        assert stat.S_IMODE(path.stat().st_mode) == (0o600 if path.is_file() else 0o700), path
