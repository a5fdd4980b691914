"""The text of the platform's PDFs as a reader's viewer shows it: every page's text and the document's title."""
import io

from pypdf import PdfReader


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    title = (reader.metadata or {}).get("/Title") or ""
    return "\n".join([*(page.extract_text() for page in reader.pages), str(title)])
