"""The plaintext of a bid never reaches the database, the media folder or the logs."""
import logging
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from .builders import submit

PRICE = "987654.32"
QUALITY = "Quality pledge ZEBRAFINCH-4471: zero defects"
MANAGER = "Ouyang Xiuying-PM-5529"
ATTACHMENT_NAME = "TURQUOISE-method-statement.txt"
ATTACHMENT_TEXT = "Construction method PELICAN-7731, crane on the north bank."
NEEDLES = [PRICE, "98765432", QUALITY, "ZEBRAFINCH", MANAGER, "PELICAN-7731", "TURQUOISE"]


def database_bytes():
    """Everything the database holds, as bytes: the SQLite image, or every row of every PostgreSQL table."""
    if connection.vendor == "sqlite":
        name = str(connection.settings_dict["NAME"])
        if Path(name).is_file():  # a file database: the file and its write-ahead log
            return b"".join(Path(p).read_bytes() for p in (name, name + "-wal") if Path(p).is_file())
        connection.ensure_connection()
        return connection.connection.serialize()
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT t::text FROM {connection.ops.quote_name(table)} AS t")
            chunks.extend(row[0].encode() for row in cursor.fetchall())
    return b"\n".join(chunks)


def found_in(blob, needles):
    hits = []
    for needle in needles:
        raw = needle.encode()
        if raw in blob or raw.hex().encode() in blob.lower():  # bytea columns print as hex on PostgreSQL
            hits.append(needle)
    return hits


@pytest.mark.django_db(transaction=True)
def test_a_distinctive_bid_is_nowhere_in_the_database_media_or_logs(tender, contractor, settings, caplog):
    caplog.set_level(logging.DEBUG)
    submission = submit(contractor, tender, price=PRICE, quality=QUALITY, project_manager=MANAGER,
                        attachments=[SimpleUploadedFile(ATTACHMENT_NAME, ATTACHMENT_TEXT.encode())])
    assert submission.created and submission.bid.attachments.count() == 1

    blob = database_bytes()
    # The scan does see what is stored in clear: the tender's title and the bidder's name.
    assert found_in(blob, [tender.title, contractor.organisation.name]) == [tender.title,
                                                                           contractor.organisation.name]
    assert found_in(blob, NEEDLES) == []

    media_files = [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]
    assert len(media_files) == 1
    assert found_in(b"".join(p.read_bytes() for p in media_files), NEEDLES) == []
    assert not any(needle in str(p) for p in media_files for needle in NEEDLES)

    logged = "\n".join(record.getMessage() for record in caplog.records).encode()
    assert found_in(logged, NEEDLES) == []
