"""Languages: the network's default, the user's own choice, the switch, Babel formats, the
right-to-left Persian pages, and a complete catalog for every language of settings.LANGUAGES
but English (Vietnamese, Persian), each holding every message of the project, whose compiled
.mo matches the .po."""

from __future__ import annotations

import gettext
import os
import re
import shutil
import subprocess
import sys
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
    format_list,
    format_money,
    format_month,
    format_number,
    format_percent,
    money_affixes,
)
from network.models import User
from network.tests.po import parse_po

# Every language but English, the one the messages are written in, has a catalog.
CATALOGS = [code for code, _name in settings.LANGUAGES if code != "en"]


def catalog(language: str) -> Path:
    return Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES"


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


def test_the_switch_offers_every_language_in_its_own_name(network, owner):
    text = client_for(network, owner).get("/manage/").content.decode()
    assert '<option value="vi" lang="vi">Tiếng Việt</option>' in text
    assert '<option value="fa" lang="fa">فارسی</option>' in text


def test_persian_pages_are_written_right_to_left(network, owner):
    network.language = "fa"
    network.save()
    page = client_for(network, owner).get("/manage/")
    text = page.content.decode()
    assert '<html lang="fa" dir="rtl">' in text and page["Content-Language"] == "fa"
    assert "/static/css/rtl.css" in text  # Pico's physical left/right, mirrored
    assert ">داشبورد<" in text and ">پیشنهادها<" in text  # Dashboard, Offers in the nav
    assert ">Dashboard<" not in text


def test_left_to_right_pages_have_no_direction_and_no_rtl_styles(network, owner):
    network.language = "vi"
    network.save()
    text = client_for(network, owner).get("/manage/").content.decode()
    assert '<html lang="vi">' in text and "rtl.css" not in text


def test_a_user_can_choose_persian_whatever_the_networks_language(network, owner):
    client = client_for(network, owner)
    client.post("/language/", {"language": "fa", "next": "/manage/"})
    owner.refresh_from_db()
    assert owner.language == "fa"
    assert '<html lang="fa" dir="rtl">' in client.get("/manage/").content.decode()


@pytest.mark.parametrize(
    ("language", "label"),
    [("en", "9.50 USD CPA"), ("vi", "9,50\xa0US$ CPA"), ("fa", "\u200e$۹٫۵۰ CPA")],
)
def test_the_marketplace_writes_payouts_in_the_languages_money_format(
    network, owner, publisher_user, language, label
):
    make_world(network, owner)  # the publisher's override on the world's offer: 9.50 USD
    publisher_user.language = language
    publisher_user.save(update_fields=["language"])
    text = client_for(network, publisher_user).get("/publisher/offers/").content.decode()
    assert label in text
    assert "$9.50" not in text  # never the symbol-first English of before


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
        # Persian: its own digits and separators, CLDR's pattern as browsers write it.
        ("1234.5", "USD", "fa", "\u200e$۱٬۲۳۴٫۵۰"),
        ("-10", "USD", "fa", "\u200e\u2212\u200e$۱۰٫۰۰"),
        ("1234567", "VND", "fa", "\u200e₫۱٬۲۳۴٬۵۶۷"),
        ("1.5", "KWD", "fa", "\u200eKWD\xa0۱٫۵۰۰"),  # a code is kept apart from the digits
    ],
)
def test_money_is_written_for_the_language_and_the_currency(amount, currency, language, expected):
    assert format_money(Decimal(amount), currency, language) == expected


def test_numbers_and_percents_follow_the_language():
    assert format_number(Decimal("1234.5"), "en") == "1,234.5"
    assert format_number(Decimal("1234.5"), "vi") == "1.234,5"
    assert format_percent(Decimal("0.125"), "vi") == "12,5%"
    assert format_amount(Decimal("1234567"), "VND", "vi") == "1.234.567"


def test_persian_numbers_use_persian_digits_and_signs():
    assert format_number(Decimal("1234.5"), "fa") == "۱٬۲۳۴٫۵"
    assert format_number(-3, "fa") == "\u200e\u2212۳"
    assert format_percent(Decimal("0.125"), "fa") == "۱۲٫۵٪"
    assert format_percent(Decimal("0.125"), "fa", signed=True) == "\u200e+۱۲٫۵٪"
    assert format_amount(Decimal("1234.5"), "USD", "fa") == "۱٬۲۳۴٫۵۰"


@pytest.mark.parametrize(
    ("language", "deduction", "change"),
    [
        ("en", "-23.84 USD", "+12.00 USD"),
        ("vi", "-23,84\xa0US$", "+12,00\xa0US$"),
        # The signs stay on the left of the amount on a right-to-left line.
        ("fa", "\u200e\u2212\u200e$۲۳٫۸۴", "\u200e+\u200e$۱۲٫۰۰"),
    ],
)
def test_deductions_and_changes_carry_the_languages_own_sign(language, deduction, change):
    from django.template import Context, Template

    page = Template("{% load formats %}{{ a|negative|money:'USD' }}")
    with translation.override(language):
        assert page.render(Context({"a": Decimal("23.84")})) == deduction
    assert format_money(Decimal(12), "USD", language, signed=True) == change


def test_names_are_listed_as_the_language_lists_them():
    assert format_list(["Germany", "France"], "en") == "Germany and France"
    assert format_list(["Đức", "Pháp"], "vi") == "Đức và Pháp"
    assert format_list(["آلمان", "فرانسه", "ایتالیا"], "fa") == "آلمان،\u200f فرانسه، و ایتالیا"
    assert format_list([], "fa") == ""


def test_counts_in_tables_are_written_in_the_languages_digits():
    from lib.tables import NumberColumn

    with translation.override("fa"):
        assert NumberColumn().render(1234) == "۱٬۲۳۴"
    with translation.override("en"):
        assert NumberColumn().render(1234) == "1,234"


@pytest.mark.parametrize(
    ("language", "affixes"),
    [
        ("en", {"prefix": "", "suffix": " USD", "digits": 2}),
        ("vi", {"prefix": "", "suffix": "\xa0US$", "digits": 2}),
        ("fa", {"prefix": "\u200e$", "suffix": "", "digits": 2}),
    ],
)
def test_charts_get_the_money_format_of_the_pages(language, affixes):
    """static/js/charts.js writes amounts between these, as format_money does."""
    assert money_affixes("USD", language) == affixes


def test_a_month_is_named_in_the_language():
    from datetime import date

    assert format_month(date(2026, 10, 1), "en") == "October 2026"
    assert format_month(date(2026, 10, 1), "vi") == "tháng 10 năm 2026"
    assert format_month(date(2026, 10, 1), "fa") == "اکتبر ۲۰۲۶"  # Gregorian, named in Persian


def test_dates_and_times_are_written_for_the_language():
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from django.template import Context, Template

    moment, zone = datetime(2026, 11, 26, 11, 5, tzinfo=UTC), ZoneInfo("Asia/Ho_Chi_Minh")
    assert format_datetime(moment, "en", tz=zone) == "Nov 26, 2026, 6:05\u202fPM"
    assert format_datetime(moment, "vi", tz=zone) == "18:05 26 thg 11, 2026"
    assert format_date(moment, "vi", tz=zone) == "26 thg 11, 2026"
    assert format_date(moment, "fa", tz=zone) == "۲۶ نوامبر ۲۰۲۶"
    assert format_datetime(moment, "fa", tz=zone) == "۲۶ نوامبر ۲۰۲۶،\u200f ۱۸:۰۵"
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


def test_every_language_but_english_has_a_catalog():
    assert {"vi", "fa"} <= set(CATALOGS)
    for language in CATALOGS:
        assert (catalog(language) / "django.po").exists(), language


@pytest.mark.parametrize("language", CATALOGS)
def test_every_message_has_a_translation(language):
    entries = parse_po(catalog(language) / "django.po")
    assert len(entries) > 500
    untranslated = [e["msgid"] for e in entries if not all(e["msgstr"].values())]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert untranslated == [] and fuzzy == []


PLACEHOLDER = re.compile(r"%\([a-z_0-9]+\)[sdif]|%[sdif]|\{[a-z_0-9]*\}")


@pytest.mark.parametrize("language", CATALOGS)
def test_translations_keep_the_placeholders(language):
    """%(name)s, %s and {count} of the English text, each in every translation (msgfmt
    checks only the entries flagged python-format)."""
    wrong = []
    for entry in parse_po(catalog(language) / "django.po"):
        wanted = sorted(PLACEHOLDER.findall(entry["msgid"] + (entry["plural"] or "")))
        for text in entry["msgstr"].values():
            found = PLACEHOLDER.findall(text)
            exact = entry["plural"] is None  # a plural form may leave out the count
            if (exact and sorted(found) != wanted) or not set(found) <= set(wanted):
                wrong.append(entry["msgid"])
    assert wrong == []


@pytest.mark.parametrize("language", CATALOGS)
def test_the_compiled_catalog_matches_the_po(language):
    with open(catalog(language) / "django.mo", "rb") as compiled:
        messages = gettext.GNUTranslations(compiled)._catalog  # type: ignore[attr-defined]
    for entry in parse_po(catalog(language) / "django.po"):
        key = entry["msgid"]
        if entry["msgctxt"] is not None:
            key = f"{entry['msgctxt']}\x04{key}"  # how gettext keys a message with a context
        if entry["plural"] is None:
            assert messages.get(key) == entry["msgstr"][0], key
        else:
            for index, text in entry["msgstr"].items():
                assert messages.get((key, index)) == text, key


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext's msgfmt is missing")
@pytest.mark.parametrize("language", CATALOGS)
def test_the_po_compiles_without_errors(tmp_path, language):
    """--check: the header (Language, Plural-Forms) and the format strings."""
    result = subprocess.run(
        [
            "msgfmt",
            "--check",
            "-o",
            str(tmp_path / "django.mo"),
            str(catalog(language) / "django.po"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="module")
def project_messages(tmp_path_factory) -> set[str]:
    """Every msgid of the project, as `makemessages` extracts it, run in a copy of the
    checkout (it writes into the locale folder it finds)."""
    copy = tmp_path_factory.mktemp("messages") / "project"
    root = Path(settings.BASE_DIR)
    shutil.copytree(
        root,
        copy,
        symlinks=True,
        ignore=shutil.ignore_patterns(".*", "var", "locale", "node_modules", "__pycache__"),
    )
    environment = {**os.environ, "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "network.settings"}
    environment.pop("DATABASE_URL", None)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "xx", "--no-location"],
        cwd=copy,
        env=environment,
        capture_output=True,
        check=True,
    )
    return {
        entry["msgid"] for entry in parse_po(copy / "locale" / "xx" / "LC_MESSAGES" / "django.po")
    }


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext's xgettext is missing")
@pytest.mark.parametrize("language", CATALOGS)
def test_every_catalog_holds_every_message_of_the_project(project_messages, language):
    """A message added to the code (and to one catalog) but not to another fails here, with
    the list of what that catalog lacks."""
    translated = {entry["msgid"] for entry in parse_po(catalog(language) / "django.po")}
    assert sorted(project_messages - translated) == []


def test_a_new_user_follows_the_network(db):
    assert User().language == ""


def test_entries_without_a_blank_line_between_them_are_read_apart(tmp_path):
    """git's union merge of two blocks appended to a catalog can drop the blank line between
    them; msgfmt still reads two entries, and so must the checks above."""
    po = tmp_path / "django.po"
    po.write_text(
        'msgid "Then by"\nmsgstr "Rồi theo"\n# notifications\nmsgid "Kind"\nmsgstr ""\n"Loại"\n'
        'msgid "Nothing else"\nmsgstr "Không thêm"\n',
        encoding="utf-8",
    )
    entries = {entry["msgid"]: entry["msgstr"][0] for entry in parse_po(po)}
    assert entries == {"Then by": "Rồi theo", "Kind": "Loại", "Nothing else": "Không thêm"}
