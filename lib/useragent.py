"""User-Agent parsing for the click path: device type, OS, browser and whether it is a bot.

Pure precompiled regexes and an LRU cache on the (truncated) string, so a repeated UA costs a
dict lookup. Device types are exactly offers.models.DEVICE_TYPES ("desktop", "mobile",
"tablet"); an unknown OS or browser is "Other". iPadOS in its default desktop mode sends a
Macintosh UA and is therefore reported as a desktop Mac: no UA parser can tell them apart.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

MAX_LENGTH = 512
OTHER = "Other"


class Agent(NamedTuple):
    device_type: str  # "desktop" | "mobile" | "tablet"
    os: str
    browser: str
    is_bot: bool


# Every pattern is lower case and matched against the lowercased UA: case-insensitive
# matching, and a look-behind, would keep re from scanning for literal prefixes (2-20x slower).

# Crawlers, monitors, headless browsers and HTTP libraries. "bot" as a word ending covers
# Googlebot, bingbot, AhrefsBot, YandexBot, Applebot... ("cubot", a phone brand, is removed
# before matching).
_BOT = re.compile(
    r"bot\b|spider|crawl|slurp|archiver|headlesschrome|phantomjs|"
    r"curl/|wget/|python-requests|python-urllib|python-httpx|aiohttp|go-http-client|"
    r"java/|libwww|okhttp|apache-httpclient|node-fetch|axios/|scrapy|httpie|"
    r"facebookexternalhit|mediapartners-google|google-inspectiontool|lighthouse|"
    r"pingdom|whatsapp/|postmanruntime/"
)

_TABLET = re.compile(r"ipad|kindle|silk/|playbook|tablet(?! pc)")
_MOBILE = re.compile(
    r"mobi|iphone|ipod|windows phone|opera mini|blackberry|\bbb10\b|kaios|j2me|midp"
)

# Order matters: the first match wins (iOS UAs say "like Mac OS X", Android ones "Linux",
# Windows Phone ones sometimes "Android").
_OS_RULES = [
    (re.compile(r"windows phone|windows mobile"), "Windows Phone"),
    (re.compile(r"iphone|ipad|ipod"), "iOS"),
    (re.compile(r"harmonyos|openharmony"), "HarmonyOS"),
    (re.compile(r"android"), "Android"),
    (re.compile(r"kaios"), "KaiOS"),
    (re.compile(r"; cros "), "ChromeOS"),
    (re.compile(r"windows|win64|winnt|win32|xbox"), "Windows"),
    (re.compile(r"macintosh|mac os x|mac_powerpc"), "macOS"),
    (re.compile(r"blackberry|\bbb10\b"), "BlackBerry"),
    (re.compile(r"tizen"), "Tizen"),
    (re.compile(r"linux|x11|ubuntu|fedora|debian"), "Linux"),
    (re.compile(r"freebsd|openbsd|netbsd"), "BSD"),
]

# Browsers built on Chrome or Safari carry their tokens too, so the specific ones come first.
_BROWSER_RULES = [
    (re.compile(r"fban/|fbav/|fb_iab/"), "Facebook"),
    (re.compile(r"instagram"), "Instagram"),
    (re.compile(r"musical_ly|bytedancewebview|tiktok"), "TikTok"),
    (re.compile(r"samsungbrowser/"), "Samsung Internet"),
    (re.compile(r"ucbrowser/|ucweb|ubrowser/"), "UC Browser"),
    (re.compile(r"yabrowser/"), "Yandex Browser"),
    (re.compile(r"opr/|opios/|\bopt/|opera"), "Opera"),
    (re.compile(r"edg/|edga/|edgios/|edge/"), "Edge"),
    (re.compile(r"firefox/|fxios/"), "Firefox"),
    (re.compile(r"gsa/"), "Google App"),
    (re.compile(r"msie |trident/"), "Internet Explorer"),
    (re.compile(r"silk/"), "Silk"),
    (re.compile(r"; wv\)"), "Android WebView"),
    (re.compile(r"crios/|chrome/|chromium/"), "Chrome"),
    (re.compile(r"android.*version/[\d.]+.*safari/"), "Android Browser"),
    (re.compile(r"version/[\d.]+.*safari/"), "Safari"),
    (re.compile(r"(?:iphone|ipad|ipod).*applewebkit/(?!.*safari/)"), "iOS WebView"),
]


def parse(user_agent: str | None) -> Agent:
    """Parse a User-Agent header; an empty one is a bot (real browsers always send one)."""
    return _parse((user_agent or "")[:MAX_LENGTH])


@lru_cache(maxsize=4096)
def _parse(user_agent: str) -> Agent:
    ua = user_agent.lower()
    is_bot = not ua.strip() or _BOT.search(ua.replace("cubot", "")) is not None

    if _TABLET.search(ua):
        device_type = "tablet"
    elif "android" in ua:
        # Android phones say "Mobile"; Android tablets do not (Firefox says "Tablet").
        device_type = "mobile" if "mobile" in ua else "tablet"
    elif _MOBILE.search(ua):
        device_type = "mobile"
    else:
        device_type = "desktop"

    os_name = next((name for regex, name in _OS_RULES if regex.search(ua)), OTHER)
    browser = next((name for regex, name in _BROWSER_RULES if regex.search(ua)), OTHER)
    return Agent(device_type=device_type, os=os_name, browser=browser, is_bot=is_bot)
