"""Refresh the zh-hans catalogue from the source (developers only: needs GNU gettext's xgettext)."""
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if not shutil.which("xgettext"):
    sys.exit("xgettext is missing: apt-get install gettext")
# makemessages run from the project root writes into LOCALE_PATHS (trading/locale).
subprocess.run(
    [sys.executable, str(ROOT / "manage.py"), "makemessages", "-l", "zh_Hans", "--no-obsolete",
     "--ignore", ".venv/*", "--ignore", "var/*", "--ignore", "tests/*", "--ignore", "bench/*",
     "--ignore", "fixtures/*", "--ignore", "scripts/*"],
    cwd=ROOT, check=True)
subprocess.run([sys.executable, str(ROOT / "manage.py"), "compile_translations"], cwd=ROOT, check=True)
