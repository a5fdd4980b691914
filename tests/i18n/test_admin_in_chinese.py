"""The admin in Chinese: our app, model, column and field names are Chinese (knox's "Auth tokens" included); what
is left in Latin letters is what people typed (names) and Django's own few untranslated words."""
import re
from html import unescape

import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, reverse

from trading.accounts.models import Organisation, User

pytestmark = pytest.mark.django_db

# Django's own (its zh-hans catalogue lacks them in this version) and proper names.
DJANGO = ["Change or view list link", "Add link", "Model name", "After you’ve created a user, you’ll be able to edit "
          "more user options.", "Django", "English"]


def visible_text(html):
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r"<[^>]+>", " ", html)
    return unescape(html)


def admin_pages():
    yield "/admin/"
    for model in admin.site._registry:
        info = model._meta.app_label, model._meta.model_name
        yield reverse("admin:%s_%s_changelist" % info)
        try:
            yield reverse("admin:%s_%s_add" % info)
        except NoReverseMatch:
            pass


def test_the_admin_speaks_chinese(zh_as, admin_user, expert):
    admin_user.is_staff = True
    admin_user.save()
    client = zh_as(admin_user)
    typed = sorted({*Organisation.objects.values_list("name", flat=True),
                    *Organisation.objects.values_list("legal_representative", flat=True),
                    *User.objects.values_list("username", flat=True), *DJANGO}, key=len, reverse=True)
    seen = 0
    for path in admin_pages():
        response = client.get(path)
        if response.status_code == 403:  # what the role matrix keeps from the administrator
            continue
        assert response.status_code == 200, path
        seen += 1
        text = visible_text(response.content.decode())
        assert "管理" in text, path
        for value in typed:
            text = text.replace(value, " ")
        left = sorted({w for w in re.findall(r"[A-Za-z]{3,}", text) if w not in {"admin", "API"}})
        assert left == [], (path, left)
    assert seen >= 8
