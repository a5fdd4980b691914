"""The audit log says in the reader's language what each entry was, beside the stored action code."""
import re
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from tests.tenders.builders import published_tender
from trading.audit.labels import ACTION_LABELS, action_label

RECORD_CALL = re.compile(r"\brecord\(\s*[\w.]+,\s*\"([a-z_]+\.[a-z_]+)\"")
# registrations pass their action through a helper: every accounts.* literal in the accounts services
ACCOUNTS_ACTION = re.compile(r"\"(accounts\.[a-z_]+)\"")


def test_every_action_the_platform_records_has_a_label():
    recorded = {action for path in Path(settings.BASE_DIR, "trading").rglob("*.py")
                for action in RECORD_CALL.findall(path.read_text())}
    recorded |= set(ACCOUNTS_ACTION.findall(Path(settings.BASE_DIR, "trading/accounts/services.py").read_text()))
    assert len(recorded) > 25 and "accounts.register_contractor" in recorded  # the patterns still find the calls
    assert recorded - set(ACTION_LABELS) == set()
    for verb in ("add", "change"):  # accounts.services.record_admin_change
        assert action_label(f"accounts.admin_{verb}_user") != f"accounts.admin_{verb}_user"


def test_the_log_names_actions_in_chinese(client, supervisor):
    tender = published_tender()
    client.force_login(supervisor)
    client.cookies["django_language"] = "zh-hans"
    page = client.get(reverse("audit:log"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    with translation.override("zh-hans"):
        published = str(ACTION_LABELS["tenders.publish_tender"])
    assert any("\u4e00" <= ch <= "\u9fff" for ch in published)  # really translated
    assert published in page and "tenders.publish_tender" in page and tender.reference in page
