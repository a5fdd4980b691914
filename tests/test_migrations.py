"""Every model change has its migration in the repository: a fresh clone builds the database the code expects."""
import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_model_change_lacks_its_migration(capsys):
    try:
        call_command("makemigrations", "--check", "--dry-run", verbosity=1)
    except SystemExit as missing:
        pytest.fail(f"models changed without a migration: {capsys.readouterr().out}"[:2000] or str(missing))
