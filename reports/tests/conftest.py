"""The browser tests' shared fixtures (network/tests/browser.py: one Chromium per module, a page
per person, the live server, screenshots)."""

from network.tests.browser import browser, new_page, portal, screenshot  # noqa: F401
