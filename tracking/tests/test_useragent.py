from __future__ import annotations

import pytest

from lib.useragent import _AUTOMATED, MAX_LENGTH, Agent, _parse, _rules, parse
from offers.models import DEVICE_TYPES

# (user agent, device type, os, browser, is bot): real strings as browsers and bots send them.
CASES = [
    # Desktop
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/124.0.0.0 Safari/537.36",
        "desktop", "Windows", "Chrome", False,
    ),
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.51",
        "desktop", "Windows", "Edge", False,
    ),
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0",
        "desktop", "Windows", "Firefox", False,
    ),
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/124.0.0.0 Safari/537.36 OPR/110.0.0.0",
        "desktop", "Windows", "Opera", False,
    ),
    (
        "Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko",
        "desktop", "Windows", "Internet Explorer", False,
    ),
    (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like "
        "Gecko) Version/17.4.1 Safari/605.1.15",
        "desktop", "macOS", "Safari", False,
    ),
    (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like "
        "Gecko) Chrome/124.0.0.0 Safari/537.36",
        "desktop", "macOS", "Chrome", False,
    ),
    (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.4; rv:125.0) Gecko/20100101 Firefox/125.0",
        "desktop", "macOS", "Firefox", False,
    ),
    (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/124.0.0.0 Safari/537.36",
        "desktop", "Linux", "Chrome", False,
    ),
    (
        "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
        "desktop", "Linux", "Firefox", False,
    ),
    (
        "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/124.0.0.0 Safari/537.36",
        "desktop", "ChromeOS", "Chrome", False,
    ),
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/122.0.0.0 YaBrowser/24.4.0.0 Safari/537.36",
        "desktop", "Windows", "Yandex Browser", False,
    ),
    # iPadOS asks for the desktop site by default and cannot be told from a Mac.
    (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like "
        "Gecko) Version/17.4 Safari/605.1.15",
        "desktop", "macOS", "Safari", False,
    ),
    # iPhone and iPad
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
        "like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1",
        "mobile", "iOS", "Safari", False,
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
        "like Gecko) CriOS/124.0.6367.88 Mobile/15E148 Safari/604.1",
        "mobile", "iOS", "Chrome", False,
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
        "like Gecko) FxiOS/125.0 Mobile/15E148 Safari/605.1.15",
        "mobile", "iOS", "Firefox", False,
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
        "like Gecko) Version/17.0 EdgiOS/124.2478.50 Mobile/15E148 Safari/605.1.15",
        "mobile", "iOS", "Edge", False,
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_3_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
        "like Gecko) Mobile/21D61 [FBAN/FBIOS;FBAV/459.0.0.37.106;FBBV/591017357;FBDV/iPhone14,"
        "5;FBMD/iPhone;FBSN/iOS;FBSV/17.3.1;FBSS/3;FBID/phone;FBLC/en_US;FBOP/5]",
        "mobile", "iOS", "Facebook", False,
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
        "like Gecko) Mobile/15E148",
        "mobile", "iOS", "iOS WebView", False,
    ),
    (
        "Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/17.4 Mobile/15E148 Safari/604.1",
        "tablet", "iOS", "Safari", False,
    ),
    (
        "Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "CriOS/124.0.6367.88 Mobile/15E148 Safari/604.1",
        "tablet", "iOS", "Chrome", False,
    ),
    # Android phones ("Mobile") and tablets (no "Mobile")
    (
        "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/124.0.0.0 Mobile Safari/537.36",
        "mobile", "Android", "Chrome", False,
    ),
    (
        "Mozilla/5.0 (Linux; Android 14; SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) "
        "SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36",
        "mobile", "Android", "Samsung Internet", False,
    ),
    (
        "Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) "
        "SamsungBrowser/23.0 Chrome/115.0.0.0 Safari/537.36",
        "tablet", "Android", "Samsung Internet", False,
    ),
    (
        "Mozilla/5.0 (Linux; Android 13; SM-X200) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/124.0.0.0 Safari/537.36",
        "tablet", "Android", "Chrome", False,
    ),
    (
        "Mozilla/5.0 (Android 14; Mobile; rv:125.0) Gecko/125.0 Firefox/125.0",
        "mobile", "Android", "Firefox", False,
    ),
    (
        "Mozilla/5.0 (Android 14; Tablet; rv:125.0) Gecko/125.0 Firefox/125.0",
        "tablet", "Android", "Firefox", False,
    ),
    (
        "Mozilla/5.0 (Linux; Android 10; HD1913) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/124.0.6367.82 Mobile Safari/537.36 EdgA/124.0.2478.64",
        "mobile", "Android", "Edge", False,
    ),
    (
        "Mozilla/5.0 (Linux; Android 10; VOG-L29) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/124.0.0.0 Mobile Safari/537.36 OPR/81.1.4292.78446",
        "mobile", "Android", "Opera", False,
    ),
    (
        "Mozilla/5.0 (Linux; U; Android 10; en-US; SM-A105F Build/QP1A.190711.020) "
        "AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/78.0.3904.108 "
        "UCBrowser/13.4.0.1306 Mobile Safari/537.36",
        "mobile", "Android", "UC Browser", False,
    ),
    (
        "Mozilla/5.0 (Linux; Android 13; Pixel 7 Build/TQ3A.230805.001; wv) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Version/4.0 Chrome/124.0.6367.82 Mobile Safari/537.36",
        "mobile", "Android", "Android WebView", False,
    ),
    (
        "Mozilla/5.0 (Linux; U; Android 4.0.3; ko-kr; LG-L160L Build/IML74K) AppleWebkit/534.30 "
        "(KHTML, like Gecko) Version/4.0 Mobile Safari/534.30",
        "mobile", "Android", "Android Browser", False,
    ),
    (
        "Mozilla/5.0 (Linux; Android 9; CUBOT P30) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/124.0.0.0 Mobile Safari/537.36",
        "mobile", "Android", "Chrome", False,
    ),
    (
        "Mozilla/5.0 (Linux; Android 11; KFTRWI) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Silk/124.2.1 like Chrome/124.0.6367.82 Safari/537.36",
        "tablet", "Android", "Silk", False,
    ),
    (
        "Opera/9.80 (J2ME/MIDP; Opera Mini/5.1.21214/28.2725; U; en) Presto/2.8.119 "
        "Version/11.10",
        "mobile", "Other", "Opera", False,
    ),
    (
        "Mozilla/5.0 (Windows Phone 10.0; Android 6.0.1; Microsoft; Lumia 950) "
        "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/52.0.2743.116 Mobile Safari/537.36 "
        "Edge/15.14977",
        "mobile", "Windows Phone", "Edge", False,
    ),
    # Bots, HTTP libraries and headless browsers
    (
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "desktop", "Other", "Other", True,
    ),
    # ua-parser names the crawler, not the browser it renders with: "Other" (was "Chrome").
    (
        "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, "
        "like Gecko) Chrome/124.0.6367.118 Mobile Safari/537.36 (compatible; Googlebot/2.1; "
        "+http://www.google.com/bot.html)",
        "mobile", "Android", "Other", True,
    ),
    (
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "desktop", "Other", "Other", True,
    ),
    (
        "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
        "desktop", "Other", "Other", True,
    ),
    (
        "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
        "desktop", "Other", "Other", True,
    ),
    (
        "Mozilla/5.0 (compatible; Yahoo! Slurp; http://help.yahoo.com/help/us/ysearch/slurp)",
        "desktop", "Other", "Other", True,
    ),
    ("CCBot/2.0 (https://commoncrawl.org/faq/)", "desktop", "Other", "Other", True),
    ("SomeSite-Crawler/1.0", "desktop", "Other", "Other", True),
    (
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "desktop", "Other", "Other", True,
    ),
    ("curl/8.5.0", "desktop", "Other", "Other", True),
    ("Wget/1.21.4", "desktop", "Other", "Other", True),
    ("python-requests/2.31.0", "desktop", "Other", "Other", True),
    ("Python-urllib/3.11", "desktop", "Other", "Other", True),
    ("Go-http-client/2.0", "desktop", "Other", "Other", True),
    ("Java/17.0.2", "desktop", "Other", "Other", True),
    ("libwww-perl/6.72", "desktop", "Other", "Other", True),
    ("okhttp/4.12.0", "desktop", "Other", "Other", True),
    (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "HeadlessChrome/124.0.6367.60 Safari/537.36",
        "desktop", "Linux", "Chrome", True,
    ),
    (
        "Mozilla/5.0 (Unknown; Linux x86_64) AppleWebKit/538.1 (KHTML, like Gecko) "
        "PhantomJS/2.1.1 Safari/538.1",
        "desktop", "Linux", "Other", True,
    ),
    ("", "desktop", "Other", "Other", True),
    ("   ", "desktop", "Other", "Other", True),
]  # fmt: skip


@pytest.mark.parametrize(("ua", "device_type", "os", "browser", "is_bot"), CASES)
def test_it_parses_real_user_agents(ua, device_type, os, browser, is_bot):
    assert parse(ua) == Agent(device_type=device_type, os=os, browser=browser, is_bot=is_bot)


def test_device_types_are_the_offer_targeting_values():
    allowed = {value for value, _label in DEVICE_TYPES}
    assert {device for _ua, device, *_rest in CASES} == allowed


def test_it_fits_the_click_columns():
    # Click.device_type is 8 characters, Click.os and Click.browser 32.
    for ua, *_rest in CASES:
        agent = parse(ua)
        assert len(agent.device_type) <= 8
        assert len(agent.os) <= 32
        assert len(agent.browser) <= 32


def test_it_treats_none_as_an_empty_user_agent():
    assert parse(None) == Agent("desktop", "Other", "Other", True)


def test_it_reads_only_the_first_512_characters():
    _parse.cache_clear()
    ua = CASES[0][0].ljust(MAX_LENGTH, " ")
    assert parse(ua + "curl/8.5.0") == Agent("desktop", "Windows", "Chrome", False)
    assert parse(ua + "x" * 10_000) == Agent("desktop", "Windows", "Chrome", False)
    info = _parse.cache_info()
    assert (info.hits, info.misses) == (1, 1)  # one cache entry for both


def test_it_caches_repeated_user_agents():
    _parse.cache_clear()
    for _ in range(3):
        parse(CASES[0][0])
    info = _parse.cache_info()
    assert (info.hits, info.misses, info.maxsize) == (2, 1, 4096)


def test_a_bot_word_at_the_end_of_the_string_is_a_bot():
    assert parse("MyMonitorBot").is_bot
    assert parse(
        "Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)"
    ).is_bot


# Today's browsers as they send their UA (2025), one line each of what a click records.
CURRENT = [
    (
        "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/138.0.0.0 Mobile Safari/537.36",
        Agent("mobile", "Android", "Chrome", False),
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
        "like Gecko) Version/18.5 Mobile/15E148 Safari/604.1",
        Agent("mobile", "iOS", "Safari", False),
    ),
    (
        "Mozilla/5.0 (iPad; CPU OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/18.5 Mobile/15E148 Safari/604.1",
        Agent("tablet", "iOS", "Safari", False),
    ),
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Firefox/140.0",
        Agent("desktop", "Windows", "Firefox", False),
    ),
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/138.0.0.0 Safari/537.36 Edg/138.0.0.0",
        Agent("desktop", "Windows", "Edge", False),
    ),
    (
        "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; Googlebot/2.1; "
        "+http://www.google.com/bot.html) Chrome/138.0.7204.183 Safari/537.36",
        Agent("desktop", "Other", "Other", True),
    ),
    ("curl/8.14.1", Agent("desktop", "Other", "Other", True)),
    # Coc Coc, Vietnam's second browser, is built on Chrome and has always been recorded so.
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "coc_coc_browser/137.0.258 Chrome/131.0.6778.258 Safari/537.36",
        Agent("desktop", "Windows", "Chrome", False),
    ),
]  # fmt: skip


@pytest.mark.parametrize(("ua", "agent"), CURRENT)
def test_it_parses_todays_browsers_and_bots(ua, agent):
    assert parse(ua) == agent


# One UA for each HTTP library or headless browser that ua-parser names without calling it a
# crawler, and for those it does not know: a renamed family must fail here, not let bots in.
AUTOMATED = [
    "curl/8.5.0",
    "Wget/1.21.4",
    "python-requests/2.31.0",
    "Python/3.11 aiohttp/3.9.5",
    "Go-http-client/2.0",
    "Apache-HttpClient/4.5.14 (Java/17.0.9)",
    "okhttp/4.12.0",
    "libwww-perl/6.72",
    "axios/1.6.8",
    "HTTPie/3.2.2",
    "PostmanRuntime/7.37.3",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "HeadlessChrome/124.0.6367.60 Safari/537.36",
    "Mozilla/5.0 (Unknown; Linux x86_64) AppleWebKit/538.1 (KHTML, like Gecko) PhantomJS/2.1.1 "
    "Safari/538.1",
    "Mediapartners-Google",
    "python-httpx/0.27.0",
    "node-fetch/1.0 (+https://github.com/bitinn/node-fetch)",
    "Mozilla/5.0 (Linux; Android 11; moto g power (2022)) AppleWebKit/537.36 (KHTML, like "
    "Gecko) Chrome/124.0.0.0 Mobile Safari/537.36 Chrome-Lighthouse",
]


@pytest.mark.parametrize("ua", AUTOMATED)
def test_http_libraries_and_headless_browsers_are_bots(ua):
    assert parse(ua).is_bot


def test_every_automated_family_is_one_ua_parser_gives():
    families = set()
    for ua in AUTOMATED:
        found = _rules().everything.ua.extract(ua)
        families.add(found.family if found else None)
    assert families >= _AUTOMATED


@pytest.mark.parametrize(
    "ua",
    [
        # A Cubot phone, and the Kindle's Silk: uap-core's catch-all crawler rule says "bot"
        # and "silk", but a device rule before it matches first.
        "Mozilla/5.0 (Linux; Android 9; CUBOT P30) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/124.0.0.0 Mobile Safari/537.36",
        "Mozilla/5.0 (Linux; Android 11; KFTRWI) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Silk/124.2.1 like Chrome/124.0.6367.82 Safari/537.36",
    ],
)
def test_a_crawler_rule_after_the_device_rule_that_matches_does_not_count(ua):
    assert _rules().spiders.de.extract(ua) is not None  # the shortcut alone would say bot
    assert not parse(ua).is_bot
