"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

Chromium comes from the distribution (`apt-get install chromium`, done by `.ci/run`), not
from `playwright install`; without it these tests are skipped, saying why.
"""
from __future__ import annotations

from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).parent / "artifacts"
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


@pytest.fixture(scope="package", autouse=True)
def _orm_calls_beside_playwright():
    """Playwright's sync API keeps an asyncio loop on the main thread, and Django refuses ORM
    calls while one runs; the test code here is synchronous, so that check is moot. Only for
    this package: `manage.py check --deploy` (a unit test) rightly fails with it set."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="package")
def browser():
    """One Chromium for all browser tests, closed before the rest of the suite runs."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium) to run browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _new_context(browser, live_server, **options):
    context = browser.new_context(base_url=live_server.url, locale="vi-VN", **options)
    context.set_default_timeout(10_000)
    return context


@pytest.fixture
def page(browser, live_server):
    """A desktop-sized page in a fresh context (no cookies shared between tests)."""
    context = _new_context(browser, live_server)
    yield context.new_page()
    context.close()


@pytest.fixture
def phone_page(browser, live_server):
    """A page the size of a common phone (390x844), as a buyer scanning a QR code holds it."""
    context = _new_context(browser, live_server, **PHONE)
    yield context.new_page()
    context.close()


@pytest.fixture
def artifacts() -> Path:
    """Where screenshots go, for a person to look at (gitignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
