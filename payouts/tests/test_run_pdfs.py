"""Payout-run summaries as PDF (issue 16): the run page's figures without its forms, in the
reader's language, by the invoices' PDF machinery (lib.pdf); and the page's access rules:
owners and managers of the run's network only (another network's host: 404; a publisher or
an advertiser: refused)."""

# ruff: noqa: F811  (the fixtures imported from test_run_pages are the tests' arguments)
from __future__ import annotations

import pytest

from conftest import client_for, make_member, make_world
from network.models import Role
from payouts.tests.helpers import held_at_now, pdf_answer, pdf_text  # noqa: F401  (a fixture)
from payouts.tests.test_run_pages import details, october, world  # noqa: F401  (fixtures)


def pdf_path(run) -> str:
    return f"/manage/payouts/{run.pk}/pdf/"


def download(client, path: str):
    return pdf_answer(client.get(path), path)


def test_the_run_pdf_has_the_pages_figures(network, owner, october):
    details(network, october["publishers"]["Runner"], method="paypal", paypal_email="r@p.example")
    run = october["run"]
    client = client_for(network, owner)
    page = client.get(f"/manage/payouts/{run.pk}/")
    assert f'href="{pdf_path(run)}"' in page.content.decode()

    response = download(client, pdf_path(run))

    assert response["Content-Disposition"] == 'attachment; filename="payouts-2026-10.pdf"'
    text = pdf_text(response.content)
    [usd] = page.context["totals"]
    for phrase in (
        "Payouts for October 2026",
        "Nov 1, 2026, 12:00",  # the cut-off, in the network's time zone
        "48.00",  # to pay
        "3 to pay · 1 carried · 0 paid",
        "Missing payment details",
        "+6.00 USD (+60.0%)",  # Runner's change since September
        "PayPal",
        "Waiting for approval",
    ):
        assert phrase in text, phrase
    assert usd["payable"] == 48
    for name in ("Held", "Newbie", "Runner", "Small"):
        assert name in text
    # The page's controls stay on the page.
    assert "Approve these payouts" not in text and "Mark selected paid" not in text


def test_the_run_pdf_is_in_the_readers_language(network, owner, october):
    owner.language = "vi"
    owner.save(update_fields=["language"])
    text = pdf_text(download(client_for(network, owner), pdf_path(october["run"])).content)
    assert "Chi trả" in text or "chi trả" in text
    assert "48,00" in text  # Vietnamese decimals


def test_a_manager_downloads_it_too(network, manager, october):
    download(client_for(network, manager), pdf_path(october["run"]))


def test_another_networks_host_and_run_are_404(network, other_network, owner, october):
    admin = make_member(other_network, Role.OWNER, "owner@beta.example")
    make_world(other_network, admin, money=False)
    path = pdf_path(october["run"])
    # Alpha's run on beta's host (beta's owner): no such run there.
    assert client_for(other_network, admin).get(path).status_code == 404
    # Beta's owner on alpha's host: not a member.
    assert client_for(network, admin).get(path).status_code == 404


@pytest.mark.parametrize("role", ["publisher_user", "advertiser_user"])
def test_publishers_and_advertisers_are_refused(network, october, role, request):
    user = request.getfixturevalue(role)
    assert client_for(network, user).get(pdf_path(october["run"])).status_code == 403


def test_an_unknown_run_is_404(network, owner, october):
    assert (
        client_for(network, owner)
        .get(f"/manage/payouts/{october['run'].pk + 999}/pdf/")
        .status_code
        == 404
    )


def test_it_answers_only_safe_methods(network, owner, october):
    assert client_for(network, owner).post(pdf_path(october["run"])).status_code == 405
