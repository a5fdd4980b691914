"""Collusion settings with defaults: override any key in settings.SUNLIGHT."""
from django.conf import settings

DEFAULTS = {
    # risk at or above YELLOW is a yellow band, at or above RED a red one
    "COLLUSION_YELLOW": 0.6,
    "COLLUSION_RED": 0.8,
    # flags are written for this many riskiest tenders of a report
    "COLLUSION_FLAG_TOP_TENDERS": 200,
    # groups kept in a report (riskiest first)
    "COLLUSION_MAX_GROUPS": 200,
    # the tendering threshold under which split projects are suspicious (None: off)
    "COLLUSION_SPLIT_THRESHOLD": 4_000_000,
    # the model the stored report scores with: "builtin" (the cross-market model shipped in
    # the repository), a path to a cross-market model file, or None (unsupervised)
    "COLLUSION_MODEL": "builtin",
}


def setting(name):
    return getattr(settings, "SUNLIGHT", {}).get(name, DEFAULTS[name])


def bands():
    return (float(setting("COLLUSION_YELLOW")), float(setting("COLLUSION_RED")))


def band_of(risk):
    yellow, red = bands()
    if risk is None:
        return "blue"
    return "red" if risk >= red else "yellow" if risk >= yellow else "blue"
