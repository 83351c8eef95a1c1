"""The history lists and the audit log read as sentences in the reader's language, never as
the codes the log stores ("offer.status draft -> pending"); every code the code writes has a
label."""

from __future__ import annotations

import ast
import html
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from django_scopes import scope, scopes_disabled

import audit
from audit.models import AuditEntry
from audit.text import ACTIONS
from conftest import client_for
from network.models import Membership
from offers.models import Offer
from offers.tests.test_advertiser_pages import make_offer
from tracking import fraud
from tracking.models import CLICK_REJECT_REASONS, CONVERSION_REASONS, Conversion

SOURCES = [
    path
    for app in ("network", "advertisers", "publishers", "offers", "tracking", "payouts", "webhooks")
    for path in (Path(settings.BASE_DIR) / app).rglob("*.py")
    if "tests" not in path.parts and "migrations" not in path.parts
]


def text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


@pytest.fixture
def submitted(network, advertiser_user):
    """An offer the advertiser submitted for review through its page."""
    with scopes_disabled():
        company = Membership.objects.get(user=advertiser_user).advertiser
    offer = make_offer(network, company)
    client_for(network, advertiser_user).post(
        f"/advertiser/offers/{offer.pk}/status/", {"to": "pending"}
    )
    with scope(network=network):
        assert Offer.objects.get(pk=offer.pk).status == Offer.Status.PENDING
    return offer


@pytest.mark.parametrize(
    ("language", "sentence"),
    [("en", "Status: Draft → Pending review"), ("vi", "Trạng thái: Bản nháp → Chờ xét duyệt")],
)
def test_the_offers_history_reads_as_a_sentence(
    network, owner, advertiser_user, submitted, language, sentence
):
    network.language = language
    network.save()
    for client, url in (
        (client_for(network, advertiser_user), f"/advertiser/offers/{submitted.pk}/"),
        (client_for(network, owner), f"/manage/offers/{submitted.pk}/"),
    ):
        page = text(client.get(url))
        assert sentence in page
        assert "offer.status" not in page and "draft → pending" not in page


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", ["Status", "Draft → Pending review", "Fraud check", "fast conversion", "System"]),
        ("vi", ["Trạng thái", "Bản nháp → Chờ xét duyệt", "Kiểm tra gian lận", "Hệ thống"]),
    ],
)
def test_the_audit_log_names_actions_states_and_flags(network, owner, submitted, language, words):
    with scope(network=network):
        conversion = Conversion(pk=7)  # only its label and id are written
        audit.record(
            network=network,
            actor=None,
            actor_label="system",
            action="conversion.fraud_checked",
            obj=conversion,
            reason="fast_conversion, country_mismatch",
        )
    network.language = language
    network.save()
    page = client_for(network, owner).get("/manage/audit/")
    shown = text(page)
    for word in words:
        assert word in shown
    assert "draft → pending" not in shown and "fast_conversion" not in shown
    # The code stays beside the label: it is what the Action filter takes.
    assert "<code>offer.status</code>" in page.content.decode()


def test_a_setting_reads_with_its_name_and_its_values():
    language = AuditEntry(
        action="network.language", object_type="network.network", from_state="en", to_state="vi"
    )
    approver = AuditEntry(
        action="network.payout_second_approver",
        object_type="network.network",
        from_state="False",
        to_state="True",
    )
    minimum = AuditEntry(
        action="publisher.min_payout",
        object_type="publishers.publisher",
        from_state="network default",
        to_state="20.00 USD",
    )
    with translation.override("vi"):
        assert language.summary == "Ngôn ngữ: English → Tiếng Việt"
        assert approver.summary == "Đợt chi trả cần người duyệt thứ hai: Không → Có"
        assert minimum.summary == "Mức chi trả tối thiểu riêng: Mặc định của mạng lưới → 20.00 USD"
    with translation.override("en"):
        assert approver.summary == "Payout runs need a second approver: No → Yes"


def written_actions() -> set[str]:
    """Every action the code passes to audit.record() or builds an AuditEntry with: literal
    strings, and the literal prefix of an f-string ("conversion." + a status)."""
    found = set()
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text())):
            keyword = isinstance(node, ast.keyword) and node.arg == "action"
            assigned = isinstance(node, ast.Assign) and [
                getattr(target, "id", "") for target in node.targets
            ] == ["action"]
            if not (keyword or assigned):
                continue
            for part in ast.walk(node.value):
                if isinstance(part, ast.Constant) and isinstance(part.value, str) and part.value:
                    found.add(part.value)
    return {a for a in found if re.fullmatch(r"[a-z_]+\.[a-z_]*", a)}


def test_every_action_the_code_writes_has_a_label():
    actions = written_actions()
    assert {"offer.status", "conversion.fraud_checked", "postback.created"} <= actions
    prefixes = {a for a in actions if a.endswith(".")}  # f"conversion.{status}", network.<field>
    assert prefixes == {"conversion.", "network."}
    unlabelled = sorted(a for a in actions - prefixes if a not in ACTIONS)
    assert unlabelled == []
    for status in Conversion.Status.values:
        assert f"conversion.{status}" in ACTIONS


def test_every_reason_code_has_a_label():
    clicks = Path(settings.BASE_DIR) / "tracking" / "clicks.py"
    [rejection] = [
        node
        for node in ast.walk(ast.parse(clicks.read_text()))
        if isinstance(node, ast.FunctionDef) and node.name == "rejection"
    ]
    returned = {
        node.value.value
        for node in ast.walk(rejection)
        if isinstance(node, ast.Return) and isinstance(node.value, ast.Constant)
    } - {""}
    assert returned and returned <= set(CLICK_REJECT_REASONS)
    assert set(fraud.FRAUD_CODES) | {"cap_reached", "advertiser_rejected"} <= set(
        CONVERSION_REASONS
    )


def test_every_object_type_the_apps_register_is_named_and_linked_to_a_known_page():
    """The apps fill audit.log's registries when they load: every type a company owns
    or a page shows has a name, every page is a URL name of the portal."""
    from django.urls import NoReverseMatch, reverse

    from audit import log as audit_log

    owned = {label for rows in audit_log.OWNED.values() for label in rows}
    paged = {label for pages in audit_log.OBJECT_PAGES.values() for label in pages}
    companies = set(audit_log.COMPANY_TYPES.values())
    assert companies == {"advertisers.advertiser", "publishers.publisher"}
    assert owned | paged | companies <= set(audit_log.OBJECT_TYPES)
    for pages in audit_log.OBJECT_PAGES.values():
        for name, takes_id in pages.values():
            try:
                reverse(name, args=[1] if takes_id else [])
            except NoReverseMatch:  # pragma: no cover - the assertion names it
                pytest.fail(f"audit page {name!r} is no URL of the portal")
