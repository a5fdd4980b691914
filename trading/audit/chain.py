"""The hash of one audit entry: what the chain covers, in one place."""
import hashlib
import json


def entry_hash(prev_hash, seq, at_iso, actor_label, organisation_label, ip, action, object_type, object_id, summary,
               embargo=""):
    body = json.dumps(
        [prev_hash, seq, at_iso, actor_label, organisation_label, ip, action, object_type, object_id, summary, embargo],
        sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str,
    )
    return hashlib.sha256(body.encode()).hexdigest()
