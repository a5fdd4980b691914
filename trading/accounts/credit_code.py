"""Unified social credit code (统一社会信用代码, GB 32100-2015): format and check character."""
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_character(first17):
    total = sum(ALPHABET.index(ch) * w for ch, w in zip(first17, WEIGHTS))
    return ALPHABET[(31 - total % 31) % 31]


def is_valid(code):
    code = (code or "").strip().upper()
    if len(code) != 18 or any(ch not in ALPHABET for ch in code) or not code[2:8].isdigit():
        return False
    return check_character(code[:17]) == code[17]


def synthetic(number, prefix="91", region="990000"):
    """A well-formed code for organisations known only from imported or generated history.

    Region 990000 is not a real administrative division, so a synthetic code never
    collides with a genuine company's code.
    """
    body, n = [], number
    for _ in range(9):
        n, digit = divmod(n, 31)
        body.append(ALPHABET[digit])
    first17 = prefix + region + "".join(reversed(body))
    return first17 + check_character(first17)
