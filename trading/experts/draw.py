"""The committee draw as a pure function: the same inputs always give the same experts.

No Django here: an auditor re-runs a draw from its audit entry with nothing but this file.

The published rule
------------------
1. The seed is the SHA-256 (hex) of the signed opening record's signature followed by the tender's
   draw secret, whose SHA-256 was published when the tender was published (`seed_of`). Nobody knows
   the seed before the opening record is signed, and the platform cannot choose the secret afterwards.
2. The eligible experts' ids are sorted and shuffled by Fisher-Yates, with the random numbers taken
   from SHA-256 of "<seed>|<round>|<step>|<attempt>" (an integer below 2**256, redrawn with the next
   attempt when it falls in the incomplete last block, so every position is equally likely). Each
   round of a committee (the first draw, then each redraw) uses its own number.
3. Walking that order: for each required speciality in the order given that no expert picked so far
   covers, the first expert who has it and whose employer is not yet on the committee is picked.
   Then the remaining seats go to the next experts in the order whose employer is not yet on the
   committee. An expert is never picked twice, and no two picked experts share an employer.
So with no specialities and distinct employers every set of `needed` eligible experts is equally likely.
"""
import hashlib

LIMIT = 2 ** 256


class Shortfall(Exception):
    """The eligible experts cannot fill the seats: `speciality` names the one nobody eligible covers, if any."""

    def __init__(self, needed, found, speciality=None):
        super().__init__(speciality or f"{found} of {needed}")
        self.needed, self.found, self.speciality = needed, found, speciality


def sha256_hex(text):
    return hashlib.sha256(text.encode()).hexdigest()


def seed_of(record_signature, secret):
    return sha256_hex(record_signature + secret)


def commitment_of(secret):
    return sha256_hex(secret)


def _below(n, seed, round_no, step):
    """A uniform integer in [0, n) from the seed, by rejection from 256-bit SHA-256 values."""
    ceiling = LIMIT - LIMIT % n
    attempt = 0
    while True:
        value = int(sha256_hex(f"{seed}|{round_no}|{step}|{attempt}"), 16)
        if value < ceiling:
            return value % n
        attempt += 1


def order(seed, round_no, eligible_ids):
    """The eligible ids, sorted, then shuffled (Fisher-Yates) by the seed and the round."""
    ids = sorted(set(eligible_ids))
    for step in range(len(ids) - 1, 0, -1):
        other = _below(step + 1, seed, round_no, step)
        ids[step], ids[other] = ids[other], ids[step]
    return ids


def draw(seed, round_no, eligible_ids, needed, required=(), specialities_of=None, employer_of=None):
    """The ids of the `needed` experts drawn (see the rule above), or Shortfall.

    specialities_of: id -> the expert's specialities (only the required ones matter);
    employer_of: id -> a key shared by the experts of one employer (default: each their own).
    """
    specialities_of = specialities_of or {}
    employer_of = employer_of or {}
    shuffled = order(seed, round_no, eligible_ids)
    drawn, employers = [], set()

    def free(expert_id):
        return expert_id not in drawn and employer_of.get(expert_id, ("own", expert_id)) not in employers

    def take(expert_id):
        drawn.append(expert_id)
        employers.add(employer_of.get(expert_id, ("own", expert_id)))

    for speciality in required:
        if any(speciality in specialities_of.get(i, ()) for i in drawn):
            continue
        found = next((i for i in shuffled if free(i) and speciality in specialities_of.get(i, ())), None)
        if found is None or len(drawn) == needed:
            raise Shortfall(needed, len(drawn), speciality)
        take(found)
    for expert_id in shuffled:
        if len(drawn) == needed:
            break
        if free(expert_id):
            take(expert_id)
    if len(drawn) < needed:
        raise Shortfall(needed, len(drawn))
    return drawn
