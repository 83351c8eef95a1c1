"""The browser fixtures (network/tests/browser.py) for the browser tests here; other apps'
browser tests import them by name."""

from network.tests.browser import (  # noqa: F401  (pytest finds fixtures by name)
    browser,
    new_page,
    portal,
    screenshot,
)
