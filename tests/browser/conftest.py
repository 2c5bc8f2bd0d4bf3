"""Debian's chromium, driven by Playwright (browser downloads fail here: executable_path).

Screenshots of each page at phone and desktop width go to test-artifacts/screenshots/.
Without /usr/bin/chromium the suite is skipped with the reason, unless BROWSER_REQUIRED=1 (CI).
"""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
SIZES = {"phone": {"width": 360, "height": 740}, "desktop": {"width": 1280, "height": 900}}


@pytest.fixture(scope="session")
def chromium():
    if not shutil.which(CHROMIUM):
        if os.environ.get("BROWSER_REQUIRED") == "1":
            pytest.fail(f"browser tests are required here, but {CHROMIUM} is missing")
        pytest.skip(reason=f"browser tests need Debian's chromium at {CHROMIUM}")
    # Playwright's sync API runs an event loop in this thread; the tests' own ORM calls are still sync.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium):
    context = chromium.new_context(viewport=SIZES["desktop"])
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def screenshot():
    """screenshot(page, "name"): the page at phone and desktop width, full length."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name):
        for size, viewport in SIZES.items():
            page.set_viewport_size(viewport)
            page.screenshot(path=str(SCREENSHOTS / f"{name}-{size}.png"), full_page=True)
        page.set_viewport_size(SIZES["desktop"])

    return take
