"""Refresh the zh-hans catalogue from the source (developers only: needs GNU gettext's xgettext).

Every app's strings land in trading/locale/zh_Hans/LC_MESSAGES/django.po (Django's directory name for
the language code zh-hans). The page scripts carry no strings of their own: templates hand them translated
labels (json_script / data attributes), so there is no djangojs catalogue.
"""
import shutil
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "trading" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
if not shutil.which("xgettext"):
    sys.exit("xgettext is missing: apt-get install gettext")
# makemessages run from the project root writes into LOCALE_PATHS (trading/locale).
subprocess.run(
    [sys.executable, str(ROOT / "manage.py"), "makemessages", "-l", "zh_Hans", "--no-obsolete",
     "--ignore", ".venv/*", "--ignore", "var/*", "--ignore", "tests/*", "--ignore", "bench/*",
     "--ignore", "fixtures/*", "--ignore", "scripts/*", "--ignore", "media/*", "--ignore", "staticfiles/*"],
    cwd=ROOT, check=True)
subprocess.run([sys.executable, str(ROOT / "manage.py"), "compile_translations"], cwd=ROOT, check=True)

catalogue = polib.pofile(str(CATALOGUE))
todo = [e for e in catalogue if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]
print(f"{CATALOGUE.relative_to(ROOT)}: {len(catalogue)} messages, {len(todo)} to translate or check (untranslated/fuzzy)")
