"""The web application starts without scikit-learn: only training or scoring with a
model needs it, and importing it made every command and first request seconds slower."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = ("import sys, django; django.setup(); import trading.urls; "
         "from django.core.management import call_command; call_command('check'); "
         "assert 'sklearn' not in sys.modules, 'scikit-learn imported at start-up'; print('ok')")


def test_django_start_up_and_manage_check_do_not_import_scikit_learn(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "trading.settings", "SUNLIGHT_VAR_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0 and done.stdout.strip().endswith("ok"), done.stderr[-2000:]
