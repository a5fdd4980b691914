from django.core.management.base import BaseCommand

from fixtures import demo
from fixtures.experts import EXTRA_EXPERTS


class Command(BaseCommand):
    help = "Print one demo login per role, with the key passphrases of the opening officials."

    def handle(self, *args, **options):
        rows = demo.logins()
        if not rows:
            self.stdout.write("No demo users yet: run `python manage.py demo_market` first.")
            return
        self.stdout.write("Demo logins (username / password):")
        for username, role, password, passphrase in rows:
            line = f"  {role:<26} {username:<12} {password}"
            if passphrase:
                line += f"   key passphrase: {passphrase}"
            self.stdout.write(line)
        self.stdout.write(f"  More bidders: {', '.join(demo.EXTRA_CONTRACTORS)} (same password).")
        self.stdout.write(f"  More evaluation experts: {', '.join(EXTRA_EXPERTS)} (same password).")
