"""The platform's Ed25519 signing key: one seed in a file outside the database (PLATFORM_SIGNING_KEY_FILE),
created on first use. Receipts, opening records, evaluation reports, notices and audit checkpoints are
signed with it, so a database operator can change none of them unseen. No app import: every app may use it.
"""
import hashlib
import os
from pathlib import Path

from django.conf import settings

from trading import sealing

_seeds = {}


def _load_or_create_seed(path: Path) -> bytes:
    path = Path(path)
    try:
        return bytes.fromhex(path.read_text().strip())
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    seed = sealing.new_signing_seed()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it first: use theirs
        return bytes.fromhex(path.read_text().strip())
    with os.fdopen(fd, "w") as handle:
        handle.write(seed.hex())
    return seed


def _seed() -> bytes:
    path = str(settings.PLATFORM_SIGNING_KEY_FILE)
    if path not in _seeds:
        _seeds[path] = _load_or_create_seed(path)
    return _seeds[path]


def key_id(public_key_hex: str) -> str:
    return hashlib.sha256(bytes.fromhex(public_key_hex)).hexdigest()[:16]


def public_key() -> str:
    return sealing.signing_public_key(_seed())


def key_info() -> dict:
    """The platform key as published for pinning."""
    public = public_key()
    return {"algorithm": "Ed25519", "public_key": public, "key_id": key_id(public)}


def sign(payload: dict) -> str:
    """Ed25519 over the canonical JSON of `payload` (sorted keys, no spaces, UTF-8)."""
    return sealing.sign(_seed(), sealing.canonical(payload))


def verify(payload: dict, signature: str, public_key_hex: str) -> bool:
    return sealing.verify_signature(public_key_hex, sealing.canonical(payload), signature)
