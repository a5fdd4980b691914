"""The committed zh-hans catalogue is complete, keeps every placeholder, and compiles without GNU gettext."""
import re
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command

PO_PATH = Path(settings.BASE_DIR) / "trading" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"

# %(name)s, %(n).1f, %s … and {name}, {cv:.1%}, {total:,.0f} … ; "%%" is a literal percent sign.
PERCENT = re.compile(r"%(?:\([^)]*\))?[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]")
BRACE = re.compile(r"\{[^{}]*\}")


def placeholders(text, flags):
    found = [p for p in PERCENT.findall(text) if p != "%%"] if "python-format" in flags else []
    if "python-brace-format" in flags:
        found += BRACE.findall(text)
    return sorted(found)


def entries():
    return [e for e in polib.pofile(str(PO_PATH)) if not e.obsolete]


def test_catalogue_is_where_django_looks_for_zh_hans():
    assert PO_PATH.exists()
    assert Path(settings.LOCALE_PATHS[0]) == PO_PATH.parents[2]
    assert "zh-hans" in dict(settings.LANGUAGES)


def test_every_message_is_translated_and_none_is_fuzzy():
    catalogue = entries()
    assert len(catalogue) > 500
    untranslated = [e.msgid for e in catalogue if not e.translated()]
    fuzzy = [e.msgid for e in catalogue if "fuzzy" in e.flags]
    assert untranslated == [], f"{len(untranslated)} untranslated: run scripts/update_translations.py and translate"
    assert fuzzy == [], f"fuzzy entries: {fuzzy[:10]}"
    assert not polib.pofile(str(PO_PATH)).metadata_is_fuzzy


def test_translations_keep_the_placeholders_of_the_english_text():
    wrong = []
    for e in entries():
        if e.msgid_plural:
            pairs = [(e.msgid_plural, text) for text in e.msgstr_plural.values()]
        else:
            pairs = [(e.msgid, e.msgstr)]
        for source, translation in pairs:
            if placeholders(source, e.flags) != placeholders(translation, e.flags):
                wrong.append((source, translation))
    assert wrong == []


def test_translations_are_chinese():
    # A msgstr copied from English would pass the completeness check; technical tokens are allowed.
    latin_only = [e.msgid for e in entries() if e.msgstr and not re.search(r"[\u4e00-\u9fff]", e.msgstr)]
    assert set(latin_only) <= {"SHA-256"}


def test_compile_translations_builds_the_catalogue_on_a_fresh_checkout(tmp_path, settings):
    fresh_po = tmp_path / "trading" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    fresh_po.parent.mkdir(parents=True)
    shutil.copy(PO_PATH, fresh_po)
    settings.BASE_DIR = tmp_path

    call_command("compile_translations")

    compiled = {e.msgid: e.msgstr for e in polib.mofile(str(fresh_po.with_suffix(".mo")))}
    assert compiled["Opening hall"] == "开标大厅"
    assert compiled["Ceiling price"] == "最高投标限价"


@pytest.mark.parametrize("message, expected", [("Bid security", "投标保证金"), ("Procuring entity", "招标人")])
def test_the_compiled_catalogue_in_use_matches_the_committed_one(message, expected):
    # `make setup` (manage.py compile_translations) must have run after the last change of the .po.
    mo_path = PO_PATH.with_suffix(".mo")
    assert mo_path.exists(), "run `make setup` or `manage.py compile_translations`"
    compiled = {(e.msgctxt, e.msgid): e.msgstr for e in polib.mofile(str(mo_path))}
    assert compiled[(None, message)] == expected
    stale = [e.msgid for e in entries() if not e.msgid_plural and compiled.get((e.msgctxt, e.msgid)) != e.msgstr]
    assert stale == [], "the .mo is older than the .po: run `manage.py compile_translations`"
