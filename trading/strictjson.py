"""JSON read the strict way, for everything a client or a file hands us.

Python's json module accepts three things that later turn into a 500 or a lie:

- a lone surrogate (``"\\ud800"``): a Python string can hold it, but it is not a character, so
  it cannot be encoded as UTF-8 for the database, a page or a JSON answer;
- nesting deep enough to exhaust the recursion limit (a RecursionError in the parser, or later
  in whatever walks the value);
- a key written twice in one object: the last one silently wins, so two readers of one
  document can disagree on what it says (a receipt "verified" with one price, shown with another).

``loads`` refuses all three with a ``Refused`` that names where (``field``, a dotted path) and why.
"""
import json
import re

from django.utils.translation import gettext as _

MAX_DEPTH = 64
_SURROGATE = re.compile("[\ud800-\udfff]")


class Refused(ValueError):
    """Why and where: `code` is one of syntax, encoding, constant, depth, surrogate, duplicate."""

    def __init__(self, field, reason, code):
        super().__init__(f"{field}: {reason}" if field else reason)
        self.field = field or "non_field_errors"
        self.reason = reason
        self.code = code


def _pairs(pairs):
    seen = {}
    for key, value in pairs:
        if key in seen:
            raise Refused(key if not _SURROGATE.search(key) else "", _(
                "The key %(key)s appears twice in one object; send it once.") % {"key": json.dumps(key)}, "duplicate")
        seen[key] = value
    return seen


def _path(parts):
    return ".".join(str(part) for part in parts)


def check(value, max_depth=MAX_DEPTH):
    """Walk a parsed value without recursion; refuse lone surrogates and nesting beyond max_depth."""
    stack = [(value, (), 1)]
    while stack:
        item, where, depth = stack.pop()
        if isinstance(item, (dict, list)):
            if depth > max_depth:
                raise Refused(_path(where), _("The JSON is nested deeper than %(depth)d levels.") % {"depth": max_depth},
                              "depth")
            children = item.items() if isinstance(item, dict) else enumerate(item)
            for key, child in children:
                if isinstance(key, str) and _SURROGATE.search(key):
                    raise Refused(_path(where), _(
                        "A key holds an unpaired surrogate (%(code)s), which is not a character.") % {
                        "code": _code(key)}, "surrogate")
                stack.append((child, (*where, key), depth + 1))
        elif isinstance(item, str) and _SURROGATE.search(item):
            raise Refused(_path(where), _(
                "The text holds an unpaired surrogate (%(code)s), which is not a character.") % {"code": _code(item)},
                "surrogate")
    return value


def _code(text):
    return f"\\u{ord(_SURROGATE.search(text).group()):04x}"


def loads(text, max_depth=MAX_DEPTH):
    """Parse JSON text (str or UTF-8 bytes); raise Refused (a ValueError) for anything not strictly JSON."""
    if isinstance(text, (bytes, bytearray)):
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError:
            raise Refused("", _("The body is not UTF-8 text."), "encoding") from None
    try:
        value = json.loads(text, object_pairs_hook=_pairs, parse_constant=_no_constant)
    except RecursionError:
        raise Refused("", _("The JSON is nested deeper than %(depth)d levels.") % {"depth": max_depth},
                      "depth") from None
    except json.JSONDecodeError as exc:
        raise Refused("", _("The body is not valid JSON: %(reason)s at line %(line)d, column %(column)d.") % {
            "reason": exc.msg, "line": exc.lineno, "column": exc.colno}, "syntax") from None
    return check(value, max_depth)


def _no_constant(name):
    raise Refused("", _("%(name)s is not a JSON number.") % {"name": name}, "constant")


def scrub(text):
    """Text with every unpaired surrogate replaced by U+FFFD, for repairing what was stored before these checks."""
    return _SURROGATE.sub("\ufffd", text) if isinstance(text, str) else text


def scrub_value(value):
    """A JSON-like value with every string (and key) scrubbed."""
    if isinstance(value, dict):
        return {scrub(key): scrub_value(child) for key, child in value.items()}
    if isinstance(value, list):
        return [scrub_value(child) for child in value]
    return scrub(value)
