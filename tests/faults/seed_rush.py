"""Run by `manage.py shell` against a private database: a tender open for bids and contractors
with API tokens. Prints one JSON line: {"tender": id, "tokens": [...]}. Used by the fault tests."""
import json
import os

from tests.factories import api_token

from tests.bids.builders import give_holder_key
from tests.factories import make_user
from tests.tenders.builders import published_tender

entity = give_holder_key(make_user("entity"))
tender = published_tender(entity_user=entity, holders=[entity, give_holder_key(make_user("supervisor"))],
                          key_threshold=2)
tokens = [api_token(make_user("contractor"))
          for _ in range(int(os.environ.get("SEED_CONTRACTORS", "20")))]
print("SEED " + json.dumps({"tender": tender.pk, "tokens": tokens}))
