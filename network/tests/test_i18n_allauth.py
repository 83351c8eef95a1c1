"""Sign-in, sign-up, password reset and change, email confirmation, two-factor setup and
prompts, re-authentication and the account emails, in Vietnamese on a Vietnamese network.

django-allauth ships no Vietnamese catalog: ours is locale_vendor/vi (see its README). Each
page test asserts a few key Vietnamese phrases and that no English text of allauth's is left
on the page (its visible text and its placeholders, labels and titles)."""

from __future__ import annotations

import gettext
import html
import re
import shutil
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit

import allauth
import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.conf import settings
from django.core import mail

from conftest import PASSWORD, client_for
from network.tests.po import parse_po

VENDOR = Path(settings.BASE_DIR) / "locale_vendor" / "vi" / "LC_MESSAGES"
ALLAUTH_CATALOG = Path(allauth.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "django.po"
NEW_PASSWORD = "staple-orbit-lantern-42"
TOTP_PERIOD = 30


def allauth_entries() -> list[dict]:
    """Every message allauth has (its own English catalog lists them all)."""
    return parse_po(ALLAUTH_CATALOG)


def english_phrases() -> list[str]:
    """allauth's English texts of two words or more whose Vietnamese differs: none of them
    may be left on a Vietnamese page. (Single words like "Email" read the same in both.)"""
    ours = {e["msgid"]: e["msgstr"].get(0, "") for e in parse_po(VENDOR / "django.po")}
    phrases = set()
    for entry in allauth_entries():
        for text in re.split(r"%\([a-z_]+\)s|<[^>]+>|\n", entry["msgid"]):
            text = " ".join(text.split()).strip(" .:!?")
            if len(text.split()) >= 2 and text not in ours.get(entry["msgid"], ""):
                phrases.add(text)
    return sorted(phrases, key=len, reverse=True)


def visible_text(content: bytes) -> str:
    """What a person reads or hears: the body's text, placeholders, labels, titles, values
    of buttons; not scripts, styles or the language switch (it names the languages)."""
    page = content.decode()
    page = re.sub(r"(?s)<script.*?</script>|<style.*?</style>|<head.*?</head>", " ", page)
    page = re.sub(r'(?s)<form[^>]*action="/language/".*?</form>', " ", page)
    attributes = re.findall(r'(?:placeholder|aria-label|title|alt)="([^"]*)"', page)
    buttons = re.findall(r'<input[^>]*type="submit"[^>]*value="([^"]*)"', page)
    text = re.sub(r"<[^>]+>", " ", page)
    return " ".join(html.unescape(" ".join([text, *attributes, *buttons])).split())


def assert_vietnamese(content: bytes, *phrases: str) -> str:
    text = visible_text(content)
    for phrase in phrases:
        assert phrase in text, f"{phrase!r} not in: {text}"
    left = [p for p in english_phrases() if re.search(rf"\b{re.escape(p)}\b", text)]
    assert left == [], f"English left on the page: {left}"
    return text


@pytest.fixture
def vi(network):
    network.language = "vi"
    network.save()
    return network


def log_in(client, email: str, password: str = PASSWORD):
    return client.post("/accounts/login/", {"login": email, "password": password})


def totp_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // TOTP_PERIOD))


# --- The catalog ----------------------------------------------------------------------------


def test_every_allauth_message_has_a_vietnamese_translation():
    """After an allauth upgrade this lists the new messages to translate (README there)."""
    ours = {(e["msgctxt"], e["msgid"]): e for e in parse_po(VENDOR / "django.po")}
    missing = [e["msgid"] for e in allauth_entries() if (e["msgctxt"], e["msgid"]) not in ours]
    untranslated = [
        e["msgid"] for e in ours.values() if not all(e["msgstr"].values()) or "fuzzy" in e["flags"]
    ]
    assert len(ours) > 350
    assert missing == [] and untranslated == []


def test_the_vendor_catalog_is_searched_after_ours():
    paths = [Path(p) for p in settings.LOCALE_PATHS]
    assert paths.index(VENDOR.parent.parent) > paths.index(Path(settings.BASE_DIR) / "locale")


def test_the_compiled_vendor_catalog_matches_the_po():
    with open(VENDOR / "django.mo", "rb") as compiled:
        catalog = gettext.GNUTranslations(compiled)._catalog  # type: ignore[attr-defined]
    for entry in parse_po(VENDOR / "django.po"):
        key = entry["msgid"]
        if entry["msgctxt"] is not None:
            key = f"{entry['msgctxt']}\x04{key}"
        for index, text in entry["msgstr"].items():
            assert catalog.get(key if entry["plural"] is None else (key, index)) == text, key


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext's msgfmt is missing")
def test_the_vendor_po_compiles_without_format_errors(tmp_path):
    result = subprocess.run(
        ["msgfmt", "--check", "-o", str(tmp_path / "django.mo"), str(VENDOR / "django.po")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


# --- Pages, messages and emails -------------------------------------------------------------


def test_the_sign_in_page_and_its_errors_are_in_vietnamese(vi, publisher_user):
    client = client_for(vi)
    page = client.get("/accounts/login/")
    assert_vietnamese(page.content, "Đăng nhập", "Quên mật khẩu?", "Ghi nhớ đăng nhập")

    wrong = log_in(client, publisher_user.email, "not-the-password")
    assert_vietnamese(wrong.content, "Địa chỉ email và/hoặc mật khẩu bạn nhập không đúng.")

    signed_in = client.post(
        "/accounts/login/",
        {"login": publisher_user.email, "password": PASSWORD},
        follow=True,
    )
    assert_vietnamese(signed_in.content, f"Đăng nhập thành công với tên {publisher_user.email}.")

    assert_vietnamese(client.get("/accounts/logout/").content, "Bạn có chắc muốn đăng xuất?")
    signed_out = client.post("/accounts/logout/", follow=True)
    assert_vietnamese(signed_out.content, "Bạn đã đăng xuất.")


def test_sign_up_and_email_confirmation_are_in_vietnamese(vi, django_capture_on_commit_callbacks):
    client = client_for(vi)
    assert_vietnamese(
        client.get("/accounts/signup/").content, "Đăng ký", "Đã có tài khoản?", "(nhập lại)"
    )
    mismatch = client.post(
        "/accounts/signup/",
        {"email": "newbie@example.com", "password1": PASSWORD, "password2": "something-else"},
    )
    assert_vietnamese(mismatch.content, "Hai lần nhập mật khẩu phải giống nhau.")

    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            "/accounts/signup/",
            {"email": "newbie@example.com", "password1": PASSWORD, "password2": PASSWORD},
            follow=True,
        )
    assert_vietnamese(sent.content, "Xác minh địa chỉ email của bạn", "thư mục thư rác")

    [message] = mail.outbox
    assert message.subject.endswith("Vui lòng xác nhận địa chỉ email của bạn")
    body = assert_vietnamese(message.body.encode(), "Xin chào từ Alpha Network!")
    assert "Cảm ơn bạn đã sử dụng Alpha Network!" in body
    [link] = [u for u in re.findall(r"https?://\S+", message.body) if "/confirm-email/" in u]

    confirm = client.get(urlsplit(link).path)
    assert_vietnamese(confirm.content, "Xác nhận địa chỉ email", "là địa chỉ email của người dùng")
    confirmed = client.post(urlsplit(link).path, follow=True)
    assert_vietnamese(confirmed.content, "Bạn đã xác nhận newbie@example.com.")

    expired = client_for(vi).get("/accounts/confirm-email/not-a-real-key/")
    assert_vietnamese(expired.content, "Liên kết xác nhận email này đã hết hạn hoặc không hợp lệ.")


def test_a_password_reset_and_its_email_are_in_vietnamese(
    vi, publisher_user, django_capture_on_commit_callbacks
):
    client = client_for(vi)
    assert_vietnamese(
        client.get("/accounts/password/reset/").content,
        "Quên mật khẩu? Nhập địa chỉ email của bạn bên dưới",
    )
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            "/accounts/password/reset/", {"email": publisher_user.email}, follow=True
        )
    assert_vietnamese(done.content, "Chúng tôi đã gửi cho bạn một email.")

    [message] = mail.outbox
    assert message.subject.endswith("Email đặt lại mật khẩu")
    assert_vietnamese(
        message.body.encode(),
        "Xin chào từ Alpha Network!",
        "Bạn nhận được email này vì bạn hoặc ai đó đã yêu cầu đặt lại mật khẩu",
    )
    [link] = [u for u in re.findall(r"https?://\S+", message.body) if "/reset/key/" in u]
    form = client.get(urlsplit(link).path, follow=True)
    assert_vietnamese(form.content, "Đổi mật khẩu", "Mật khẩu mới")
    changed = client.post(
        form.redirect_chain[-1][0],
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        follow=True,
    )
    assert_vietnamese(changed.content, "Mật khẩu của bạn đã được đổi.")

    spent = client.get(urlsplit(link).path, follow=True)
    assert_vietnamese(spent.content, "Liên kết đặt lại mật khẩu không hợp lệ")


# Pages of a signed-in account, and a few of their phrases.
ACCOUNT_PAGES = {
    "/accounts/password/change/": ["Đổi mật khẩu", "Mật khẩu hiện tại", "Mật khẩu mới (nhập lại)"],
    "/accounts/email/": [
        "Các địa chỉ email sau được liên kết với tài khoản của bạn:",
        "Đã xác minh",
        "Thêm địa chỉ email",
    ],
}


@pytest.mark.parametrize(("path", "phrases"), ACCOUNT_PAGES.items())
def test_the_account_pages_are_in_vietnamese(vi, publisher_user, path, phrases):
    client = client_for(vi)
    log_in(client, publisher_user.email)
    assert_vietnamese(client.get(path).content, *phrases)


def test_a_password_change_is_in_vietnamese(vi, publisher_user):
    client = client_for(vi)
    log_in(client, publisher_user.email)
    wrong = client.post(
        "/accounts/password/change/",
        {"oldpassword": "not-it", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert_vietnamese(wrong.content, "Vui lòng nhập mật khẩu hiện tại của bạn.")
    changed = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        follow=True,
    )
    assert_vietnamese(changed.content, "Đổi mật khẩu thành công.")


def test_two_factor_setup_the_code_prompt_and_reauthentication_are_in_vietnamese(
    vi, publisher_user
):
    start = (int(time.time()) // TOTP_PERIOD) * TOTP_PERIOD
    with time_machine.travel(start, tick=False) as clock:
        client = client_for(vi)
        log_in(client, publisher_user.email)
        assert_vietnamese(
            client.get("/accounts/2fa/").content,
            "Xác thực hai lớp",
            "Chưa bật ứng dụng xác thực.",
        )

        # Setting it up asks for the password again first.
        asked = client.get("/accounts/2fa/totp/activate/", follow=True)
        assert asked.redirect_chain[-1][0].startswith("/accounts/reauthenticate/")
        assert_vietnamese(
            asked.content,
            "Xác nhận quyền truy cập",
            "Vui lòng xác thực lại để bảo vệ tài khoản của bạn.",
            "Nhập mật khẩu của bạn:",
        )
        wrong = client.post(asked.redirect_chain[-1][0], {"password": "not-it"})
        assert_vietnamese(wrong.content, "Mật khẩu không đúng.")
        client.post(asked.redirect_chain[-1][0], {"password": PASSWORD})

        activate = client.get("/accounts/2fa/totp/activate/")
        assert_vietnamese(
            activate.content,
            "Bật ứng dụng xác thực",
            "hãy quét mã QR bên dưới bằng ứng dụng xác thực",
            "Khóa bí mật của ứng dụng xác thực",
        )
        secret = client.session[SECRET_SESSION_KEY]
        bad = f"{(int(totp_code(secret)) + 1) % 1_000_000:06d}"
        refused = client.post("/accounts/2fa/totp/activate/", {"code": bad})
        assert_vietnamese(refused.content, "Mã không đúng.")
        code = totp_code(secret)
        codes = client.post("/accounts/2fa/totp/activate/", {"code": code}, follow=True)
        assert Authenticator.objects.filter(user=publisher_user).count() == 2
        assert_vietnamese(
            codes.content, "Mã khôi phục", "Mã chưa dùng", "Tải mã xuống", "Tạo mã mới"
        )
        assert_vietnamese(
            client.get("/accounts/2fa/").content,
            "Xác thực bằng ứng dụng xác thực đang được bật.",
            "Còn 10 trên 10 mã khôi phục chưa dùng.",
        )
        assert_vietnamese(
            client.get("/accounts/2fa/recovery-codes/generate/").content,
            "Bạn sắp tạo một bộ mã khôi phục mới",
        )
        client.post("/accounts/logout/")

        # The code prompt at sign-in.
        clock.shift(TOTP_PERIOD)
        prompt = client.post(
            "/accounts/login/", {"login": publisher_user.email, "password": PASSWORD}, follow=True
        )
        assert_vietnamese(
            prompt.content, "Tài khoản của bạn được bảo vệ bằng xác thực hai lớp.", "Mã:"
        )
        refused = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
        assert_vietnamese(refused.content, "Mã không đúng.")
        client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})

        # Re-authentication with two-factor on offers the code as well.
        clock.shift(TOTP_PERIOD)
        assert_vietnamese(
            client.get("/accounts/2fa/totp/deactivate/", follow=True).content,
            "Xác nhận quyền truy cập",
            "Dùng ứng dụng xác thực hoặc mã khôi phục",
        )
        by_code = client.get("/accounts/2fa/reauthenticate/")
        assert_vietnamese(by_code.content, "Nhập mã từ ứng dụng xác thực:")
