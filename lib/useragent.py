"""User-Agent parsing for the click path: device type, OS, browser and whether it is a bot.

ua-parser (uap-core's rules, run by its native accelerator ua-parser-rs) names the browser, the
OS and the crawlers; its names are mapped onto the few this project stores (Click.os and
Click.browser; an unknown one is "Other"). ua-parser has no device class (its device is a
brand and model), so the device type stays three token rules: exactly
offers.models.DEVICE_TYPES ("desktop", "mobile", "tablet"). iPadOS in its default desktop mode
sends a Macintosh UA and is therefore reported as a desktop Mac: no UA parser can tell them
apart. An uncached parse costs tens of microseconds: the LRU cache on the (truncated) string
makes a repeated UA a dict lookup.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from ua_parser import load_lazy_builtins
from ua_parser.regex import Resolver

MAX_LENGTH = 512
OTHER = "Other"


class Agent(NamedTuple):
    device_type: str  # "desktop" | "mobile" | "tablet"
    os: str
    browser: str
    is_bot: bool


# ua-parser's OS families -> the names Click.os has always held.
_OS_NAMES = {
    "Windows": "Windows",
    "Windows Phone": "Windows Phone",
    "Windows Mobile": "Windows Phone",
    "iOS": "iOS",
    "Android": "Android",
    "KaiOS": "KaiOS",
    "Chrome OS": "ChromeOS",
    "Mac OS X": "macOS",
    "Mac OS": "macOS",
    "BlackBerry OS": "BlackBerry",
    "BlackBerry Tablet OS": "BlackBerry",
    "Tizen": "Tizen",
    "Linux": "Linux",
    "Ubuntu": "Linux",
    "Kubuntu": "Linux",
    "Debian": "Linux",
    "Fedora": "Linux",
    "Red Hat": "Linux",
    "Gentoo": "Linux",
    "Mint": "Linux",
    "FreeBSD": "BSD",
    "OpenBSD": "BSD",
    "NetBSD": "BSD",
}

# ua-parser's browser families -> the names Click.browser has always held: a variant of a
# browser is that browser, and the common browsers built on Chrome that have no name here
# stay "Chrome" as they always were. Other browsers and the crawlers are "Other".
_BROWSER_NAMES = {
    "Chrome": "Chrome",
    "Chrome Mobile": "Chrome",
    "Chrome Mobile iOS": "Chrome",
    "Chromium": "Chrome",
    "HeadlessChrome": "Chrome",
    "Coc Coc": "Chrome",
    "Brave": "Chrome",
    "Vivaldi": "Chrome",
    "Whale": "Chrome",
    "MiuiBrowser": "Chrome",
    "Huawei Browser": "Chrome",
    "Chrome Mobile WebView": "Android WebView",
    "Safari": "Safari",
    "Mobile Safari": "Safari",
    "Mobile Safari UI/WKWebView": "iOS WebView",
    "Firefox": "Firefox",
    "Firefox Mobile": "Firefox",
    "Firefox iOS": "Firefox",
    "Firefox Beta": "Firefox",
    "Firefox Alpha": "Firefox",
    "Edge": "Edge",
    "Edge Mobile": "Edge",
    "Opera": "Opera",
    "Opera Mini": "Opera",
    "Opera Mobile": "Opera",
    "Opera Touch": "Opera",
    "Opera GX": "Opera",
    "Opera Coast": "Opera",
    "Opera Neon": "Opera",
    "IE": "Internet Explorer",
    "IE Mobile": "Internet Explorer",
    "Samsung Internet": "Samsung Internet",
    "UC Browser": "UC Browser",
    "Yandex Browser": "Yandex Browser",
    "Facebook": "Facebook",
    "Facebook Messenger": "Facebook",
    "Instagram": "Instagram",
    "TikTok": "TikTok",
    "Google": "Google App",
    "Amazon Silk": "Silk",
    "Android": "Android Browser",
}

# Crawlers are ua-parser's "Spider" device. HTTP libraries and headless browsers it names but
# does not count as crawlers; they never carry a person's click.
_AUTOMATED = frozenset(
    {
        "curl",
        "Wget",
        "Python Requests",
        "Python aiohttp",
        "Go-http-client",
        "Apache-HttpClient",
        "okhttp",
        "libwww-perl",
        "axios",
        "HTTPie",
        "PostmanRuntime",
        "HeadlessChrome",
        "PhantomJS",
        "Mediapartners-Google",
    }
)
# ...and a few it does not know at all (matched in the lowercased UA).
_UNKNOWN_TO_UAP = re.compile(r"python-httpx|node-fetch|lighthouse")


class _Rules(NamedTuple):
    everything: Resolver
    spiders: Resolver


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    """uap-core's rules in the native (Rust) resolver, without ua-parser's own cache: _parse's
    LRU cache holds the final Agent, so a hit skips the mapping too. Building it compiles the
    rules (0.3 s). `spiders` holds only the crawler rules of the device list: a UA none of them
    matches cannot be a "Spider" device, so most UAs skip the full device list (its brand and
    model rules are half of an uncached parse, and the brand and model are not kept)."""
    matchers = load_lazy_builtins()
    # (`family` is on the concrete matchers, not on ua-parser's abstract Matcher type.)
    crawler_rules = [rule for rule in matchers[2] if getattr(rule, "family", "") == "Spider"]
    return _Rules(everything=Resolver(matchers), spiders=Resolver(([], [], crawler_rules)))


def prepare() -> None:
    """Compile the rules now (a server process's start) rather than on its first click."""
    _rules()


# Device class (lowercased UA): ua-parser gives a brand and model, not a form factor.
_TABLET = re.compile(r"ipad|kindle|silk/|playbook|tablet(?! pc)")
_MOBILE = re.compile(
    r"mobi|iphone|ipod|windows phone|opera mini|blackberry|\bbb10\b|kaios|j2me|midp"
)


def parse(user_agent: str | None) -> Agent:
    """Parse a User-Agent header; an empty one is a bot (real browsers always send one)."""
    return _parse((user_agent or "")[:MAX_LENGTH])


@lru_cache(maxsize=4096)
def _parse(user_agent: str) -> Agent:
    if not user_agent.strip():
        return Agent(device_type="desktop", os=OTHER, browser=OTHER, is_bot=True)
    ua = user_agent.lower()
    # The resolvers' extractors (ua, os, de) called directly: only the families are kept, so
    # ua-parser's result objects need not be built.
    rules = _rules()
    found = rules.everything.ua.extract(user_agent)
    family = found.family if found else ""
    found_os = rules.everything.os.extract(user_agent)
    return Agent(
        device_type=_device_type(ua),
        os=_OS_NAMES.get(found_os.family, OTHER) if found_os else OTHER,
        browser=_BROWSER_NAMES.get(family, OTHER),
        is_bot=family in _AUTOMATED
        or _is_crawler(rules, user_agent)
        or _UNKNOWN_TO_UAP.search(ua) is not None,
    )


def _is_crawler(rules: _Rules, user_agent: str) -> bool:
    """uap-core's verdict: the first device rule that matches is a "Spider" one."""
    if rules.spiders.de.extract(user_agent) is None:
        return False
    device = rules.everything.de.extract(user_agent)
    return device is not None and device.family == "Spider"


def _device_type(ua: str) -> str:
    if _TABLET.search(ua):
        return "tablet"
    if "android" in ua:
        # Android phones say "Mobile"; Android tablets do not (Firefox says "Tablet").
        return "mobile" if "mobile" in ua else "tablet"
    return "mobile" if _MOBILE.search(ua) else "desktop"
