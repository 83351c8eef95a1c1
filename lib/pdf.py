"""HTML to PDF with WeasyPrint (Pango and HarfBuzz shape the text: Vietnamese diacritics,
Arabic script and right-to-left runs come out as a browser shows them).

The page is rendered by the same template as the HTML page; the stylesheets it names are read
from the static files here, never fetched: the renderer is given no network access.
"""

from __future__ import annotations

from django.contrib.staticfiles import finders


def static_text(path: str) -> str:
    """A static file's text (a stylesheet to inline into the PDF's page)."""
    found = finders.find(path)
    if not found:
        raise FileNotFoundError(path)
    with open(found, encoding="utf-8") as handle:
        return handle.read()


def _no_fetch(url: str, *args, **kwargs):
    raise ValueError(f"the PDF renderer fetches nothing ({url})")


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML  # imported here: only the PDF views need it

    return HTML(string=html, url_fetcher=_no_fetch).write_pdf()
