"""Embargoes on audit entries: who bid on a tender stays secret until its opening.

The audit app cannot know when a tender opens (tenders import audit, not the other way),
so the app that owns an embargo kind registers a function listing the keys still in force.
"""
_sources = {}


def register(kind, standing_keys):
    """`standing_keys()` returns the embargo keys of this kind that are still in force."""
    _sources[kind] = standing_keys


def key(kind, pk):
    return f"{kind}:{pk}"


def embargoed_keys():
    keys = []
    for standing_keys in _sources.values():
        keys.extend(standing_keys())
    return keys
