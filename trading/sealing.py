"""Cryptography of sealed bids, built on libsodium (PyNaCl) and Shamir sharing (PyCryptodome).

- A tender has an X25519 key pair; bids are sealed boxes to its public key.
- Its private key is split k-of-n with Shamir's scheme (two 16-byte halves
  shared at the same indices) and each share is sealed to one opening
  official's personal key, whose private half is locked by the official's
  passphrase (Argon2id + secretbox). The whole private key exists only in
  memory at key generation and again at the opening, when k shares meet.
- Receipts and opening records are signed with the platform's Ed25519 key.
"""
import hashlib
import json
import struct

from Crypto.Protocol.SecretSharing import Shamir
from nacl import pwhash, secret, utils
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox
from nacl.signing import SigningKey, VerifyKey

HALF = 16


class SealingError(Exception):
    """A ciphertext, share or passphrase did not open."""


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def seal(public_key: bytes, plaintext: bytes) -> bytes:
    return SealedBox(PublicKey(bytes(public_key))).encrypt(plaintext)


def unseal(private_key: bytes, ciphertext: bytes) -> bytes:
    try:
        return SealedBox(PrivateKey(bytes(private_key))).decrypt(bytes(ciphertext))
    except CryptoError as exc:
        raise SealingError("ciphertext does not open with this key") from exc


def public_key_of(private_key: bytes) -> bytes:
    return bytes(PrivateKey(bytes(private_key)).public_key)


def seal_json(public_key: bytes, value) -> bytes:
    return seal(public_key, json.dumps(value, sort_keys=True, ensure_ascii=False).encode())


def unseal_json(private_key: bytes, ciphertext: bytes):
    return json.loads(unseal(private_key, ciphertext))


# --- personal keys of the opening officials -------------------------------

# Argon2id cost for new personal keys. The cost is stored with each locked key, so a
# key keeps opening after the default changes (tests lower it to the minimum).
# MODERATE (3 passes over 256 MiB, about 0.7 s here) rather than INTERACTIVE (0.13 s): a share is guessed
# offline by whoever copies the database, and a holder unlocks it once per opening.
HOLDER_KEY_COST = (pwhash.argon2id.OPSLIMIT_MODERATE, pwhash.argon2id.MEMLIMIT_MODERATE)
_COST = struct.Struct(">IQ")


def _passphrase_key(passphrase: str, salt: bytes, opslimit: int, memlimit: int) -> bytes:
    return pwhash.argon2id.kdf(secret.SecretBox.KEY_SIZE, passphrase.encode(), salt,
                               opslimit=opslimit, memlimit=memlimit)


def new_holder_key(passphrase: str) -> tuple[bytes, bytes]:
    """Return (public key, private key locked by the passphrase)."""
    private = PrivateKey.generate()
    salt = utils.random(pwhash.argon2id.SALTBYTES)
    opslimit, memlimit = HOLDER_KEY_COST
    box = secret.SecretBox(_passphrase_key(passphrase, salt, opslimit, memlimit)).encrypt(bytes(private))
    return bytes(private.public_key), _COST.pack(opslimit, memlimit) + salt + box


def unlock_holder_key(locked: bytes, passphrase: str) -> bytes:
    locked = bytes(locked)
    opslimit, memlimit = _COST.unpack_from(locked)
    salt_end = _COST.size + pwhash.argon2id.SALTBYTES
    salt, box = locked[_COST.size:salt_end], locked[salt_end:]
    try:
        return secret.SecretBox(_passphrase_key(passphrase, salt, opslimit, memlimit)).decrypt(box)
    except CryptoError as exc:
        raise SealingError("wrong passphrase") from exc


# --- tender key generation and k-of-n sharing ----------------------------

def new_tender_key(holder_public_keys: list[bytes], threshold: int) -> tuple[bytes, list[bytes]]:
    """Make a tender key pair; return its public key and one sealed share per holder.

    The private key is not returned: it leaves this function only as shares.
    """
    n = len(holder_public_keys)
    if not 1 <= threshold <= n:
        raise ValueError(f"threshold {threshold} must be between 1 and the number of holders ({n})")
    private = bytes(PrivateKey.generate())
    public = bytes(PrivateKey(private).public_key)
    low = Shamir.split(threshold, n, private[:HALF], ssss=False)
    high = Shamir.split(threshold, n, private[HALF:], ssss=False)
    sealed_shares = []
    for holder_key, (index, low_share), (index_high, high_share) in zip(holder_public_keys, low, high):
        assert index == index_high
        share = json.dumps({"i": index, "lo": low_share.hex(), "hi": high_share.hex()}).encode()
        sealed_shares.append(seal(holder_key, share))
    return public, sealed_shares


def open_share(sealed_share: bytes, holder_private_key: bytes) -> dict:
    return json.loads(unseal(holder_private_key, sealed_share))


def rebuild_private_key(shares: list[dict], public_key: bytes) -> bytes:
    """Combine opened shares; check the result against the tender's public key."""
    low = Shamir.combine([(s["i"], bytes.fromhex(s["lo"])) for s in shares], ssss=False)
    high = Shamir.combine([(s["i"], bytes.fromhex(s["hi"])) for s in shares], ssss=False)
    private = low + high
    if bytes(PrivateKey(private).public_key) != bytes(public_key):
        raise SealingError("the shares do not rebuild this tender's key (too few or wrong shares)")
    return private


# --- platform signatures ---------------------------------------------------

def new_signing_seed() -> bytes:
    return bytes(SigningKey.generate())


def sign(seed: bytes, message: bytes) -> str:
    return SigningKey(seed).sign(message).signature.hex()


def signing_public_key(seed: bytes) -> str:
    return bytes(SigningKey(seed).verify_key).hex()


def verify_signature(public_key_hex: str, message: bytes, signature_hex: str) -> bool:
    try:
        VerifyKey(bytes.fromhex(public_key_hex)).verify(message, bytes.fromhex(signature_hex))
        return True
    except (CryptoError, ValueError):
        return False


def canonical(value) -> bytes:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
