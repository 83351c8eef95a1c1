"""Languages: the network's default, the user's own choice, the switch, Babel formats, and a
complete Vietnamese catalog whose compiled .mo matches the .po."""

from __future__ import annotations

import ast
import gettext
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from conftest import client_for, make_world
from lib.formats import (
    format_amount,
    format_date,
    format_datetime,
    format_money,
    format_month,
    format_number,
    format_percent,
)
from network.models import User

LOCALE = Path(settings.BASE_DIR) / "locale" / "vi" / "LC_MESSAGES"


def test_it_shows_the_pages_in_the_networks_language(network, owner):
    network.language = "vi"
    network.save()
    page = client_for(network, owner).get("/manage/")
    text = page.content.decode()
    assert '<html lang="vi">' in text
    assert "Tổng quan" in text and "Chiến dịch" in text  # Dashboard, Offers in the nav
    assert page["Content-Language"] == "vi"


def test_it_shows_english_by_default(network, owner):
    text = client_for(network, owner).get("/manage/").content.decode()
    assert '<html lang="en">' in text and ">Dashboard<" in text


def test_the_users_own_language_beats_the_networks(network, owner):
    network.language = "vi"
    network.save()
    owner.language = "en"
    owner.save(update_fields=["language"])
    text = client_for(network, owner).get("/manage/").content.decode()
    assert '<html lang="en">' in text and ">Dashboard<" in text


def test_the_switch_saves_the_choice_of_a_signed_in_user(network, owner):
    client = client_for(network, owner)
    response = client.post("/language/", {"language": "vi", "next": "/manage/"})
    assert response.status_code == 302 and response["Location"] == "/manage/"
    owner.refresh_from_db()
    assert owner.language == "vi"
    assert '<html lang="vi">' in client.get("/manage/").content.decode()


def test_the_switch_keeps_an_anonymous_choice_in_a_cookie(network):
    client = client_for(network)
    response = client.post("/language/", {"language": "vi", "next": "/"})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "vi"
    assert '<html lang="vi">' in client.get("/").content.decode()


def test_the_switch_refuses_unknown_languages_and_foreign_redirects(network, owner):
    client = client_for(network, owner)
    response = client.post("/language/", {"language": "xx", "next": "https://evil.example/"})
    assert response["Location"] == "/"
    owner.refresh_from_db()
    assert owner.language == ""


def test_the_switch_is_in_the_account_menu(network, owner):
    text = client_for(network, owner).get("/manage/").content.decode()
    assert 'action="/language/"' in text and 'name="language"' in text


@pytest.mark.parametrize(
    ("amount", "currency", "language", "expected"),
    [
        ("1234567", "VND", "vi", "1.234.567\xa0₫"),
        ("1234567", "VND", "en", "1,234,567 VND"),
        ("12.5", "USD", "en", "12.50 USD"),
        ("-10", "USD", "en", "-10.00 USD"),
        ("12.5", "USD", "vi", "12,50\xa0US$"),
        ("1000", "JPY", "en", "1,000 JPY"),
        ("1.5", "KWD", "en", "1.500 KWD"),
        ("3.456", "IQD", "en", "3.456 IQD"),  # ISO 4217's 3 decimals, as the ledger books it
    ],
)
def test_money_is_written_for_the_language_and_the_currency(amount, currency, language, expected):
    assert format_money(Decimal(amount), currency, language) == expected


def test_numbers_and_percents_follow_the_language():
    assert format_number(Decimal("1234.5"), "en") == "1,234.5"
    assert format_number(Decimal("1234.5"), "vi") == "1.234,5"
    assert format_percent(Decimal("0.125"), "vi") == "12,5%"
    assert format_amount(Decimal("1234567"), "VND", "vi") == "1.234.567"


def test_a_month_is_named_in_the_language():
    from datetime import date

    assert format_month(date(2026, 10, 1), "en") == "October 2026"
    assert format_month(date(2026, 10, 1), "vi") == "tháng 10 năm 2026"


def test_dates_and_times_are_written_for_the_language():
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from django.template import Context, Template

    moment, zone = datetime(2026, 11, 26, 11, 5, tzinfo=UTC), ZoneInfo("Asia/Ho_Chi_Minh")
    assert format_datetime(moment, "en", tz=zone) == "Nov 26, 2026, 6:05\u202fPM"
    assert format_datetime(moment, "vi", tz=zone) == "18:05 26 thg 11, 2026"
    assert format_date(moment, "vi", tz=zone) == "26 thg 11, 2026"
    page = Template('{% load formats %}{{ t|ldatetime:"UTC" }} · {{ t|ldate }} · {{ t|lmonth }}')
    with translation.override("vi"):
        assert (
            page.render(Context({"t": moment}))
            == "11:05 26 thg 11, 2026 · 26 thg 11, 2026 · tháng 11 năm 2026"
        )


def test_the_active_language_is_the_default():
    with translation.override("vi"):
        assert format_money(Decimal(5000), "VND") == "5.000\xa0₫"


def test_tracking_answers_stay_byte_identical_in_any_language(network, owner, publisher_user):
    world = make_world(network, owner)
    english = client_for(network).get("/aff_lsr", {"transaction_id": "nope"}).content
    network.language = "vi"
    network.save()
    client = client_for(network)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    missing = client.get("/aff_lsr", {"transaction_id": "nope"})
    assert missing.content == english and english.startswith(b"success=false;")
    assert "Content-Language" not in missing  # the language middleware never ran
    click = client.get(f"/aff_c?offer_id={world['offer'].pk}&aff_id=999999")
    assert "Content-Language" not in click


# --- The catalog ---------------------------------------------------------------------------


def parse_po(path: Path) -> list[dict]:
    """msgid, msgid_plural, msgstr(s) and flags of each entry (obsolete ones left out)."""
    entries: list[dict] = []
    entry: dict | None = None
    key = ""
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if entry is not None:
                entries.append(entry)
            entry = None
            continue
        if line.startswith("#~"):
            continue
        if entry is None:
            entry = {"msgctxt": None, "msgid": "", "plural": None, "msgstr": {}, "flags": ""}
        if line.startswith("#,"):
            entry["flags"] = line
            continue
        if line.startswith("#"):
            continue
        found = re.match(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[(\d+)\])?) (".*")$', line)
        if found:
            key, value = found.group(1), ast.literal_eval(found.group(3))
        else:
            value = ast.literal_eval(line)
        if key == "msgctxt":
            entry["msgctxt"] = (entry["msgctxt"] or "") + value
        elif key == "msgid":
            entry["msgid"] += value
        elif key == "msgid_plural":
            entry["plural"] = (entry["plural"] or "") + value
        else:
            index = int(key[7:-1]) if "[" in key else 0
            entry["msgstr"][index] = entry["msgstr"].get(index, "") + value
    return [e for e in entries if e["msgid"]]


def test_every_message_has_a_vietnamese_translation():
    entries = parse_po(LOCALE / "django.po")
    assert len(entries) > 500
    untranslated = [e["msgid"] for e in entries if not all(e["msgstr"].values())]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert untranslated == [] and fuzzy == []


def test_the_compiled_catalog_matches_the_po():
    with open(LOCALE / "django.mo", "rb") as compiled:
        catalog = gettext.GNUTranslations(compiled)._catalog  # type: ignore[attr-defined]
    for entry in parse_po(LOCALE / "django.po"):
        key = entry["msgid"]
        if entry["msgctxt"] is not None:
            key = f"{entry['msgctxt']}\x04{key}"  # how gettext keys a message with a context
        if entry["plural"] is None:
            assert catalog.get(key) == entry["msgstr"][0], key
        else:
            for index, text in entry["msgstr"].items():
                assert catalog.get((key, index)) == text, key


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext's msgfmt is missing")
def test_the_po_compiles_without_format_errors(tmp_path):
    result = subprocess.run(
        ["msgfmt", "--check-format", "-o", str(tmp_path / "django.mo"), str(LOCALE / "django.po")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_a_new_user_follows_the_network(db):
    assert User().language == ""
