"""A saved document read into its text and its metadata.

Three kinds of file are read, told apart by their bytes, not their names:

* **PDF** (starts with ``%PDF-``): the text layer through pypdf, page by page, pages joined
  by a blank line; title, author and creation date from the document information. A PDF with
  no text layer (a scan) is refused: it needs OCR first, and ``reconcile`` guesses no text.
* **HTML** (a ``.html``/``.htm``/``.xhtml`` name, or markup that opens with a doctype or an
  ``<html>`` tag): the main text through trafilatura, which drops navigation, menus,
  footers, related links and comments, and keeps the article's paragraphs and tables; the
  page's title, author, site name, publication date and canonical address through
  trafilatura's metadata reader (``<meta>``, Open Graph, JSON-LD, the URL, htmldate). A page
  saved by a browser says where it came from: Chromium's ``<!-- saved from url=(N)… -->``
  and SingleFile's ``url:`` / ``saved date:`` header are read as the address and the date
  of access.
* **Plain text**: anything else that is UTF-8 text, kept byte for byte.

Nothing in a document is executed or followed: scripts are dropped with the markup, and no
address is fetched. Every failure is an :class:`IntakeError` with what was expected.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["IntakeError", "ReadDocument", "read_document", "MIN_TEXT_LETTERS"]

#: A document whose text has fewer letters than this is refused as empty (a PDF with no
#: text layer, a page whose main text could not be found).
MIN_TEXT_LETTERS = 20

_HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml"}
_HTML_START = re.compile(rb"^(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>])", re.I | re.S)
_CHROMIUM_SAVED = re.compile(rb"<!--\s*saved from url=\(\d+\)(\S+?)\s*-->", re.I)
_SINGLEFILE = re.compile(rb"Page saved with SingleFile\s*\n\s*url:\s*(\S+)\s*\n\s*saved date:\s*([^\n]+)", re.I)


class IntakeError(ValueError):
    """A document that cannot be brought in; ``expected`` says what would do."""

    def __init__(self, message: str, expected: str | None = None) -> None:
        super().__init__(message)
        self.expected = expected


@dataclass
class ReadDocument:
    """A document's text and what its file says about it.

    ``fields`` holds source fields read from the document itself (title, author, publisher,
    published, url, accessed); ``guessed`` those inferred, less certain (a PDF's creation
    date as its publication date). Values are text, dates ISO.
    """

    format: str  # "text" | "html" | "pdf"
    text: str
    fields: dict[str, str] = field(default_factory=dict)
    guessed: dict[str, str] = field(default_factory=dict)


def read_document(path: Path) -> ReadDocument:
    """Read the file at ``path``; raise :class:`IntakeError` when it cannot be a document."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise IntakeError(f"{path}: no such file", "the path of a saved web page, a PDF or a text file") from None
    except IsADirectoryError:
        raise IntakeError(f"{path}: is a folder", "a file") from None
    except OSError as exc:
        raise IntakeError(f"{path}: cannot be read ({exc.strerror})") from None
    if not raw.strip():
        raise IntakeError(f"{path}: the file is empty", "a document with text")
    if raw.startswith(b"%PDF-"):
        return _read_pdf(path, raw)
    if path.suffix.lower() in _HTML_SUFFIXES or _HTML_START.match(raw[:4096]):
        return _read_html(path, raw)
    return _read_text(path, raw)


def _letters(text: str) -> int:
    return sum(ch.isalpha() for ch in text)


def _read_text(path: Path, raw: bytes) -> ReadDocument:
    if b"\x00" in raw[:65536]:
        raise IntakeError(f"{path}: a binary file, not a document", "a saved web page (.html), a PDF or UTF-8 text")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise IntakeError(
            f"{path}: not UTF-8 text (invalid byte 0x{raw[exc.start]:02x} on line {line})",
            "UTF-8 text (convert it first, e.g. with iconv), a saved web page or a PDF",
        ) from None
    if _letters(text) < MIN_TEXT_LETTERS:
        raise IntakeError(f"{path}: the file holds no text ({_letters(text)} letters)", "a document with text")
    return ReadDocument("text", text)


def _read_pdf(path: Path, raw: bytes) -> ReadDocument:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted and not reader.decrypt(""):
            raise IntakeError(f"{path}: the PDF is encrypted", "a PDF that opens without a password")
        pages = [page.extract_text() or "" for page in reader.pages]
        info = reader.metadata
    except IntakeError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise IntakeError(f"{path}: not a readable PDF ({exc})", "a PDF with a text layer") from None
    text = "\n\n".join(page.strip("\n") for page in pages).strip("\n") + "\n"
    if _letters(text) < MIN_TEXT_LETTERS:
        raise IntakeError(
            f"{path}: the PDF has no text layer ({len(pages)} page(s), {_letters(text)} letters): a scan?",
            "a PDF with text; run OCR first (for example ocrmypdf) and add its output",
        )
    doc = ReadDocument("pdf", text)
    if info is not None:
        for key, value in (("title", info.title), ("author", info.author)):
            if isinstance(value, str) and value.strip():
                doc.fields[key] = " ".join(value.split())
        try:
            created = info.creation_date
        except (ValueError, TypeError):  # a malformed date string
            created = None
        if isinstance(created, dt.datetime):
            doc.guessed["published"] = created.date().isoformat()
    return doc


def _read_html(path: Path, raw: bytes) -> ReadDocument:
    import trafilatura
    from trafilatura.metadata import extract_metadata

    saved = _saved_from(raw)
    url = saved.get("url")
    try:
        text = trafilatura.extract(
            raw,
            url=url,
            output_format="txt",
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
            deduplicate=False,
        )
    except Exception as exc:  # a parser failure on hostile markup is the document's, not ours
        raise IntakeError(f"{path}: the page could not be parsed ({type(exc).__name__})", "a saved web page") from None
    if not text or _letters(text) < MIN_TEXT_LETTERS:
        raise IntakeError(
            f"{path}: no main text found in the page",
            "a saved article page (save the page as HTML after it has loaded, or save its text)",
        )
    doc = ReadDocument("html", text.strip("\n") + "\n")
    try:
        meta = extract_metadata(raw.decode("utf-8", errors="replace"), default_url=url)
    except Exception:  # metadata is a help, not a requirement
        meta = None
    if meta is not None:
        for key, value in (("title", meta.title), ("author", meta.author), ("publisher", meta.sitename)):
            if isinstance(value, str) and value.strip():
                doc.fields[key] = " ".join(value.split())
        if isinstance(meta.date, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", meta.date):
            doc.fields["published"] = meta.date
        if isinstance(meta.url, str) and meta.url.startswith(("http://", "https://")):
            doc.fields["url"] = meta.url
    if url and "url" not in doc.fields:
        doc.fields["url"] = url
    if "accessed" in saved:
        doc.fields["accessed"] = saved["accessed"]
    return doc


def _saved_from(raw: bytes) -> dict[str, str]:
    """The address (and date) a browser or SingleFile noted when it saved the page."""
    head = raw[:8192]
    found: dict[str, str] = {}
    if m := _SINGLEFILE.search(head):
        found["url"] = m.group(1).decode("utf-8", "replace")
        if date := _loose_date(m.group(2).decode("utf-8", "replace")):
            found["accessed"] = date
    elif m := _CHROMIUM_SAVED.search(head):
        found["url"] = m.group(1).decode("utf-8", "replace")
    if not found.get("url", "").startswith(("http://", "https://")):
        found.pop("url", None)
    return found


def _loose_date(text: str) -> str | None:
    """An ISO day from a date as a browser prints it ("Mon Dec 07 2026 18:00:00 GMT+0000")."""
    m = re.search(r"([A-Z][a-z]{2}) (\d{1,2}) (\d{4})", text)
    if not m:
        m2 = re.search(r"(\d{4})-(\d{2})-(\d{2})", text)
        return "-".join(m2.groups()) if m2 else None
    try:
        return dt.datetime.strptime(" ".join(m.groups()), "%b %d %Y").date().isoformat()
    except ValueError:
        return None
