"""How strong a holder's passphrase must be: Django's password validators plus a strength estimate.

A key share's passphrase can be guessed offline by whoever copies the database, so it must resist
more than an online login. The estimate is deliberately simple and explainable: it counts the
characters that carry information (runs and repeated patterns count once, a common password with
digits around it counts as the common password) and asks for enough distinct characters.
"""
import math
import re

from django.contrib.auth.password_validation import CommonPasswordValidator, validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MIN_LENGTH = 10
MIN_DISTINCT = 6
MIN_BITS = 50


def _pool(text):
    pool = 0
    if re.search(r"[a-z]", text):
        pool += 26
    if re.search(r"[A-Z]", text):
        pool += 26
    if re.search(r"[0-9]", text):
        pool += 10
    if re.search(r"[^a-zA-Z0-9]", text):
        pool += 33
    return max(pool, 1)


def _informative(text):
    """The passphrase with repeats squeezed: 'aaaa' -> 'a', 'abcabcabc' -> 'abc', 'abcdef' -> 'a' + step."""
    squeezed = re.sub(r"(.+?)\1+", r"\1", text)
    # Runs like 'abcdef' or '123456' carry little more than their first character.
    out = squeezed[:1]
    for previous, char in zip(squeezed, squeezed[1:]):
        if abs(ord(char) - ord(previous)) != 1:
            out += char
    return out


def estimated_bits(passphrase):
    informative = _informative(passphrase)
    return len(informative) * math.log2(_pool(passphrase))


def _is_common(passphrase):
    common = CommonPasswordValidator().passwords
    core = re.sub(r"^[\W\d_]+|[\W\d_]+$", "", passphrase.lower())
    return passphrase.lower() in common or (core and core in common)


def check(passphrase, user=None):
    """Raise ValidationError with every reason the passphrase is too weak."""
    passphrase = passphrase or ""
    problems = []
    if len(passphrase) < MIN_LENGTH:
        problems.append(_("The passphrase needs at least %(n)d characters.") % {"n": MIN_LENGTH})
    try:
        validate_password(passphrase, user)
    except ValidationError as exc:
        problems.extend(exc.messages)
    if len(set(passphrase)) < MIN_DISTINCT:
        problems.append(_("The passphrase repeats too few characters: use at least %(n)d different ones.")
                        % {"n": MIN_DISTINCT})
    elif _is_common(passphrase):
        problems.append(_("The passphrase is a common password with a few characters added; it would be guessed "
                          "first."))
    elif estimated_bits(passphrase) < MIN_BITS:
        problems.append(_("The passphrase is too easy to guess (repeated or consecutive characters count once): "
                          "use a few unrelated words or a longer mix."))
    if problems:
        raise ValidationError(list(dict.fromkeys(problems)))
