"""HTML to PDF with WeasyPrint (Pango and HarfBuzz shape the text: Vietnamese diacritics,
Arabic script and right-to-left runs come out as a browser shows them).

The page is rendered by the same template as the HTML page; the stylesheets it names are read
from the static files here, never fetched: the renderer is given no network access.

`pdf_response` is what every document download uses (invoices, credit notes, publisher
statements, payout-run summaries): the page's own document template, included in a bare
HTML wrapper with the stylesheets inlined, in the reader's language (the active one, which
the middleware set from the user's choice) and the network's time zone.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

from lib.typing import TenantRequest

# The stylesheets of a document's PDF: the invoice's (tables, badges, amounts), then the
# PDF's own page size and font, then the other documents' statuses.
PDF_STYLESHEETS = ("css/invoice.css", "css/invoice-pdf.css", "css/document-pdf.css")


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


def pdf_response(
    request: TenantRequest,
    document: str,
    context: dict,
    *,
    filename: str,
    title: str = "",
    wrapper: str = "pdf/document.html",
    stylesheets: tuple[str, ...] = PDF_STYLESHEETS,
) -> HttpResponse:
    """The `document` template (a page's own, included with links=False) as a PDF download
    named <filename>.pdf, in the active language and the network's time zone."""
    context = {
        **context,
        "network": request.network,
        "document": document,
        "pdf_title": title or filename,
        "css": "".join(static_text(path) for path in stylesheets),
    }
    with timezone.override(ZoneInfo(request.network.timezone)):
        html = render_to_string(wrapper, context, request=request)
    response = HttpResponse(html_to_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}.pdf"'
    return response
