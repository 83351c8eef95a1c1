"""Publisher statements as PDF (issue 16): the page's figures, in the reader's language, by the
invoices' PDF machinery (lib.pdf); and the page's access rules: a publisher gets only their own
statement, another network's host says 404, an advertiser or an admin is refused."""

# ruff: noqa: F811  (the fixtures imported from test_publisher_pages are the tests' arguments)
from __future__ import annotations

import re

import pytest

from conftest import make_member
from network.models import Role
from payouts.tests.helpers import make_publisher, pdf_answer, pdf_text
from payouts.tests.test_publisher_pages import (  # noqa: F401  (fixtures)
    IN_OCTOBER,
    OCTOBER_STATEMENT,
    TODAY,
    approved,
    at,
    october_paid_then_november,
    publisher,
    world,
)

OCTOBER_PDF = OCTOBER_STATEMENT + "pdf/"


def statement_words(html: str) -> str:
    """The words of the page's statement (its heading to the end of the page's content)."""
    statement = html[html.index('<div class="statement">') : html.index("</main>")]
    # The tables' column chooser is hidden until the page's script shows it; a PDF has none.
    statement = re.sub(
        r'<details class="dropdown column-chooser" hidden>.*?</details>', "", statement, flags=re.S
    )
    text = re.sub(r"<[^>]+>", " ", statement).replace("&#x27;", "'").replace("&quot;", '"')
    return " ".join(text.replace("&amp;", "&").split())


def download(network, user, path=OCTOBER_PDF):
    return pdf_answer(at(TODAY, network, user, "get", path), path)


def test_the_statement_pdf_has_the_pages_figures(network, world, owner, publisher, publisher_user):
    october_paid_then_november(network, world, owner)
    rival = make_publisher(network, "Rival Media")
    approved(network, world, IN_OCTOBER, publisher=rival, payout="99.00")
    page = at(TODAY, network, publisher_user, "get", OCTOBER_STATEMENT)
    assert f'href="{OCTOBER_PDF}"' in page.content.decode()

    response = download(network, publisher_user)

    assert response["Content-Disposition"] == 'attachment; filename="statement-2026-10.pdf"'
    text = pdf_text(response.content)
    for phrase in (
        "Statement October 2026",
        publisher.name,
        network.name,
        "Conversions by status",
        "16.00 USD",  # the two paid ones
        "5.00 USD",  # the pending one
        "BATCH-42",  # the payout that paid them, with its reference
        "24.00 USD",
        "Nov 2, 2026",
        "Earnings",
    ):
        assert phrase in text, phrase
    for total in page.context["totals"]:
        assert total.label in text
    assert statement_words(page.content.decode()) in text  # every word of the page's statement
    assert "Rival" not in text and "99.00" not in text  # another publisher's money
    assert "Print" not in text and "All statements" not in text  # the page's controls


def test_the_statement_pdf_is_in_the_readers_language(
    network, world, owner, publisher, publisher_user
):
    october_paid_then_november(network, world, owner)
    publisher_user.language = "vi"
    publisher_user.save(update_fields=["language"])

    text = pdf_text(download(network, publisher_user).content)

    assert "Bảng kê tháng 10 năm 2026" in text  # "Statement October 2026"
    assert "Đã thanh toán" in text and "16,00 US$" in text  # "Paid", money in Vietnamese
    assert "BATCH-42" in text


def test_a_publisher_of_another_network_gets_404(
    network, other_network, world, owner, publisher_user
):
    october_paid_then_november(network, world, owner)
    outsider = make_member(other_network, Role.PUBLISHER, "pub@beta.example")
    assert at(TODAY, network, outsider, "get", OCTOBER_PDF).status_code == 404
    # Their own network's host shows them their own (empty) month, never alpha's.
    theirs = at(TODAY, other_network, outsider, "get", OCTOBER_PDF)
    assert theirs.status_code == 200
    assert "BATCH-42" not in pdf_text(theirs.content)


@pytest.mark.parametrize("role", ["owner", "manager", "advertiser_user"])
def test_advertisers_and_admins_are_refused(network, world, role, request):
    user = request.getfixturevalue(role)
    assert at(TODAY, network, user, "get", OCTOBER_PDF).status_code == 403


@pytest.mark.parametrize("path", ["2026/13/pdf/", "1999/12/pdf/", "2027/1/pdf/"])
def test_a_month_out_of_range_is_not_found(network, publisher_user, path):
    assert (
        at(TODAY, network, publisher_user, "get", "/publisher/statements/" + path).status_code
        == 404
    )


def test_it_answers_only_safe_methods(network, world, publisher_user):
    assert at(TODAY, network, publisher_user, "post", OCTOBER_PDF, {}).status_code == 405
