"""Small real files for upload tests: each parses as what its name says (trading.tenders.documents checks that).

    PDF = pdf("evidence of the licence register")   # a one-page PDF; the note stands in it as a comment
    png(), jpg()                                     # a few pixels, as Pillow writes them
    docx("text"), xlsx()                             # Office Open XML packages, the smallest Word and Excel take
"""
import io
import zipfile


def pdf(note=""):
    """A one-page PDF. `note` is written as a PDF comment, so the bytes hold it (for tests that look for it)."""
    head = b"%PDF-1.4\n" + b"".join(b"% " + line.encode() + b"\n" for line in note.splitlines() if line)
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"]
    body, offsets = head, []
    for number, obj in enumerate(objects, 1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    return body + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)


def _image(kind, size, colour):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, kind)
    return buffer.getvalue()


def png(size=(4, 3), colour=(200, 30, 30)):
    return _image("PNG", size, colour)


def jpg(size=(16, 12), colour=(30, 120, 200)):
    return _image("JPEG", size, colour)


CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '</Types>')
RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="word/document.xml"/></Relationships>')


def docx(text="Conditions of contract", parts=None):
    """A Word document of one paragraph; `parts` ({name: bytes}) replaces or adds members."""
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f'<w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>')
    members = {"[Content_Types].xml": CONTENT_TYPES.encode(), "_rels/.rels": RELS.encode(),
               "word/document.xml": document.encode(), **(parts or {})}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def xlsx(rows=(("Item", "Price"), ("Pipes", 1200))):
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_parts(archive_bytes, parts):
    """The zip archive `archive_bytes` with `parts` ({name: bytes}) replacing or adding members."""
    source = zipfile.ZipFile(io.BytesIO(archive_bytes))
    members = {info.filename: source.read(info) for info in source.infolist()}
    members.update(parts)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()
