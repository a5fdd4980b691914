"""Check a bid receipt offline: `python manage.py verify_receipt FILE [--public-key KEY]`.

Exit status 0 when the receipt is valid, 1 with a one-line reason when it is not.
The check needs only the receipt file and the platform's public key: pass the key
you pinned (hex, or a file holding it) with --public-key; without it the key of
this installation is used when it has one. With neither, no receipt is called valid
(exit 1): the key named inside a receipt proves nothing, a forger names their own.
See trading/bids/receipts.py on trust.
"""
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from trading import sealing
from trading.bids import receipts


class Command(BaseCommand):
    help = "Verify a bid receipt's signature offline (exit 0 valid, 1 invalid)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the receipt JSON file")
        parser.add_argument("--public-key", help="the platform's Ed25519 public key (hex), or a file holding it")

    def handle(self, *args, **options):
        trusted, source = self._trusted_key(options.get("public_key"))
        try:
            document = receipts.parse(Path(options["file"]).read_bytes())
        except OSError as exc:
            raise CommandError(f"invalid: cannot read {options['file']}: {exc.strerror}", returncode=1) from None
        except ValueError as exc:
            raise CommandError(f"invalid: {exc}", returncode=1) from None
        reasons = receipts.problems(document, trusted_public_key=trusted)
        if reasons:
            raise CommandError("invalid: " + " ".join(reasons), returncode=1)
        if trusted is None:
            raise CommandError("not verified: the signature matches the key named in the receipt, but nothing says "
                               "that key is the platform's. Pin the platform key (published at /bids/platform-key/) "
                               "with --public-key KEY.", returncode=1)
        payload = document["payload"]
        self.stdout.write(f"valid: receipt #{payload['seq']} for bid {payload['bid_id']} version {payload['version']} "
                          f"of tender {payload['tender']}, signed at {payload['server_time']} by key "
                          f"{payload['platform_key_id']} ({source})")

    def _trusted_key(self, option):
        if option:
            text = Path(option).read_text().strip() if Path(option).is_file() else option.strip()
            if not _is_key(text):
                raise CommandError("invalid: --public-key is not a 64-character hex Ed25519 key", returncode=1)
            return text, "pinned key"
        key_file = Path(settings.PLATFORM_SIGNING_KEY_FILE)
        if key_file.is_file():
            return sealing.signing_public_key(bytes.fromhex(key_file.read_text().strip())), "this platform's key"
        return None, "no trusted key"


def _is_key(text):
    try:
        return len(bytes.fromhex(text)) == 32
    except ValueError:
        return False
