"""Invoice and credit note PDFs (issue 15, section 3): the page's document, in the reader's
language (Vietnamese diacritics, right-to-left script), extractable as text; and who may
download them (pages and API): another advertiser, another network, a publisher may not."""

# ruff: noqa: F811  (the fixtures imported from test_credit_notes are the tests' arguments)
from __future__ import annotations

import re
import unicodedata

import pytest
from django.template.loader import render_to_string
from django.utils import translation
from django_scopes import scope, scopes_disabled

from conftest import client_for, make_member, make_world
from invoices.tests.test_credit_notes import (  # noqa: F401  (fixtures)
    credited,
    reversed_month,
    world,
)
from network.models import Role
from network.tests.api import api_client, key_for
from network.tests.browser import screenshot_dir
from payouts.tests.helpers import pdf_answer, pdf_text

PAGES = {
    "advertiser": "/advertiser/{kind}/{pk}/",
    "admin": "/manage/{kind}/{pk}/",
}


def html_text(html: str) -> str:
    """The article's text of an HTML page (what the PDF must say too)."""
    article = html[html.index("<article") : html.index("</article>")]
    text = re.sub(r"<[^>]+>", " ", article)
    text = text.replace("&#x27;", "'").replace("&amp;", "&")
    return re.sub(r"\s+", " ", text).strip()


def same_words(page: str, text: str) -> bool:
    """Every word of the page's document is in the PDF, in order (the PDF prints the party
    headings in capitals, as the page's stylesheet does)."""
    words = " ".join(html_text(page).split()).casefold()
    return words in text.replace("\u2212 ", "\u2212").casefold()


def download(client, url: str):
    return pdf_answer(client.get(url), url)


def test_the_invoice_pdf_says_what_the_page_says(network, owner, advertiser_user, credited):
    invoice, _ = credited
    client = client_for(network, advertiser_user)
    page = client.get(f"/advertiser/invoices/{invoice.pk}/").content.decode()
    response = download(client, f"/advertiser/invoices/{invoice.pk}/pdf/")
    assert response["Content-Disposition"] == 'attachment; filename="INV-2026-0003.pdf"'
    text = pdf_text(response.content)
    for phrase in (
        "Invoice INV-2026-0003",
        "Alpha Network",
        "Alpha Shop",
        "Net 30",
        "Credit note CN-2026-0001 applied",
        "Amount due",
        "30.000 KWD",
        "130.000 KWD",
    ):
        assert phrase in text, phrase
    assert same_words(page, text), (html_text(page), text)


def test_the_credit_note_pdf_says_what_the_page_says(network, owner, credited):
    _, note = credited
    client = client_for(network, owner)
    page = client.get(f"/manage/credit-notes/{note.pk}/").content.decode()
    response = download(client, f"/manage/credit-notes/{note.pk}/pdf/")
    assert response["Content-Disposition"] == 'attachment; filename="CN-2026-0001.pdf"'
    text = pdf_text(response.content)
    assert "Credit note CN-2026-0001" in text and "Applied to invoice INV-2026-0003" in text
    assert same_words(page, text), (html_text(page), text)


def test_the_pdf_is_in_the_readers_language_vietnamese(network, advertiser_user, credited):
    invoice, note = credited
    advertiser_user.language = "vi"
    advertiser_user.save(update_fields=["language"])
    client = client_for(network, advertiser_user)
    page = client.get(f"/advertiser/invoices/{invoice.pk}/").content.decode()
    assert '<html lang="vi">' in page  # left to right: no dir (right to left: dir="rtl")
    text = pdf_text(download(client, f"/advertiser/invoices/{invoice.pk}/pdf/").content)
    for phrase in ("Hóa đơn INV-2026-0003", "Số tiền phải trả", "Điều khoản thanh toán"):
        assert phrase in text, (phrase, text)
    assert same_words(page, text), (html_text(page), text)
    text = pdf_text(download(client, f"/advertiser/credit-notes/{note.pk}/pdf/").content)
    assert "Giấy báo có CN-2026-0001" in text, text


PERSIAN_SHOP = "فروشگاه ساحل"  # "Beach shop": a right-to-left sample (Persian comes later)


def test_a_right_to_left_language_renders_right_to_left(network, owner, credited):
    """No Persian catalog yet: Django reads the direction from the language (fa is in
    LANGUAGES_BIDI), the document says dir="rtl", and the shaped Arabic-script text comes
    out of the PDF as its letters."""
    from invoices.views import credit_note_context, pdf_response

    _, note = credited
    with scopes_disabled():
        note.advertiser.name = PERSIAN_SHOP
        note.advertiser.save(update_fields=["name"])
    request = client_for(network, owner).get(f"/manage/credit-notes/{note.pk}/").wsgi_request
    with translation.override("fa"), scope(network=network):
        context = credit_note_context(type(note).objects.get(pk=note.pk), "admin")
        html = render_to_string(
            "pdf/document.html",
            {**context, "network": network, "document": "invoices/_credit_note.html"},
        )
        response = pdf_response(request, "invoices/_credit_note.html", context)
    assert '<html lang="fa" dir="rtl">' in html
    folder = screenshot_dir()  # kept for a person to look at, as the browser tests' PNGs
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "i15-credit-note-rtl-fa.pdf").write_bytes(response.content)
    text = pdf_text(response.content)
    assert "CN-2026-0001" in text
    letters = set(PERSIAN_SHOP.replace(" ", ""))
    found = {ch for ch in unicodedata.normalize("NFKC", text) if "\u0600" <= ch <= "\u06ff"}
    assert letters <= found, (letters - found, text)
    words = [w for w in re.split(r"\s+", unicodedata.normalize("NFKC", text)) if w]
    assert any(w in words or w[::-1] in words for w in PERSIAN_SHOP.split()), text


def test_a_page_of_a_right_to_left_language_says_so(network, owner, credited):
    from invoices.views import credit_note_context

    _, note = credited
    request = client_for(network, owner).get(f"/manage/credit-notes/{note.pk}/").wsgi_request
    with translation.override("fa"), scope(network=network):
        context = credit_note_context(type(note).objects.get(pk=note.pk), "admin")
        html = render_to_string(
            "invoices/credit_note.html", {**context, "pdf_url": "x"}, request=request
        )
    assert '<html lang="fa" dir="rtl">' in html


# --- Who may download ------------------------------------------------------------------------


@pytest.fixture
def strangers(network, other_network, credited):
    """Another advertiser of the network, a publisher, and the owner of another network."""
    other_adv = make_member(network, Role.ADVERTISER, "adv2@alpha.example", company="Other Shop")
    publisher = make_member(network, Role.PUBLISHER, "pub2@alpha.example", company="Pub Two")
    other_owner = make_member(other_network, Role.OWNER, "owner@beta.example")
    make_world(other_network, other_owner)
    return other_adv, publisher, other_owner


def documents(credited):
    invoice, note = credited
    return [("invoices", invoice.pk), ("credit-notes", note.pk)]


def test_the_owner_advertiser_and_the_admins_download_them(
    network, owner, manager, advertiser_user, credited
):
    for kind, pk in documents(credited):
        download(client_for(network, advertiser_user), f"/advertiser/{kind}/{pk}/pdf/")
        for admin in (owner, manager):
            download(client_for(network, admin), f"/manage/{kind}/{pk}/pdf/")


def test_strangers_cannot_open_or_download_them_on_the_pages(
    network, other_network, advertiser_user, credited, strangers
):
    other_adv, publisher, other_owner = strangers
    for kind, pk in documents(credited):
        for suffix in ("", "pdf/"):
            mine = f"/advertiser/{kind}/{pk}/{suffix}"
            admins = f"/manage/{kind}/{pk}/{suffix}"
            assert client_for(network, other_adv).get(mine).status_code == 404, mine
            assert client_for(network, other_adv).get(admins).status_code == 403, admins
            assert client_for(network, publisher).get(mine).status_code == 403, mine
            assert client_for(network, publisher).get(admins).status_code == 403, admins
            # Another network's owner, on their own host and on this one: not found.
            assert client_for(other_network, other_owner).get(admins).status_code == 404
            assert client_for(network, other_owner).get(admins).status_code == 404
            assert client_for(network, advertiser_user).get(admins).status_code == 403


def test_strangers_cannot_read_or_download_them_through_the_api(
    network, other_network, owner, advertiser_user, credited, strangers
):
    other_adv, publisher, other_owner = strangers
    for kind, pk in documents(credited):
        mine = f"/api/v1/advertiser/{kind}/{pk}/"
        admins = f"/api/v1/admin/{kind}/{pk}/"
        own = api_client(network, key_for(network, advertiser_user))
        assert own.get(mine).status_code == 200
        response = own.get(f"{mine}pdf/")
        assert response.status_code == 200 and response.content.startswith(b"%PDF-")
        admin = api_client(network, key_for(network, owner))
        assert admin.get(admins).status_code == 200
        assert admin.get(f"{admins}pdf/", HTTP_ACCEPT="application/pdf").status_code == 200
        for path in (mine, f"{mine}pdf/"):
            assert api_client(network, key_for(network, other_adv)).get(path).status_code == 404
            assert api_client(network, key_for(network, publisher)).get(path).status_code == 403
        for path in (admins, f"{admins}pdf/"):
            for user in (other_adv, publisher, advertiser_user):
                assert api_client(network, key_for(network, user)).get(path).status_code == 403
            theirs = api_client(other_network, key_for(other_network, other_owner))
            assert theirs.get(path).status_code == 404
    listed = api_client(network, key_for(network, other_adv)).get(
        "/api/v1/advertiser/credit-notes/"
    )
    assert listed.json()["results"] == []
