"""Real-browser tests: Playwright's sync API driving Debian's Chromium against pytest-django's live server.

Never `playwright install`: the browser is the system `chromium` package, launched with flags that keep it
off the network. One browser per session; one fresh context (cookies, storage, downloads) per test.
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API keeps an asyncio loop "running" in the main thread, which makes Django's ORM refuse
# to run there (SynchronousOnlyOperation). The test code is synchronous, so the check does not apply.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

HERE = Path(__file__).resolve().parent
ARTIFACTS = HERE.parents[1] / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    # `--headless` is added by Playwright for headless=True.
    "--no-sandbox",
    "--lang=vi",  # the browser's own texts (file inputs) in Vietnamese, as on an officer's machine
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.e2e)


def _missing(reason: str):
    """Skip locally; in CI (REQUIRE_SERVICES=1) a missing browser fails the test instead."""
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        _missing("needs Debian chromium (apt-get install chromium fonts-liberation)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("needs the playwright Python package (pip install -e '.[dev]')")

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    except Exception:
        playwright.stop()
        raise
    yield browser
    browser.close()
    playwright.stop()


def _new_page(browser, viewport):
    context = browser.new_context(locale="vi-VN", viewport=viewport, accept_downloads=True)
    context.set_default_timeout(10_000)
    # The favicon request would reach Django asynchronously while the test thread may be using the same
    # (shared, in-memory) SQLite connection; nothing here needs it.
    context.route("**/favicon.ico", lambda route: route.abort())
    page = context.new_page()
    # Every browser test also checks the Content-Security-Policy: Chromium reports each blocked script,
    # style, handler or request on the console, and the page fixture fails the test at its end.
    page.csp_violations = []
    page.on(
        "console",
        lambda message: (
            page.csp_violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return context, page


def _close(context, page):
    violations = list(page.csp_violations)
    context.close()
    assert not violations, f"Content-Security-Policy violations: {violations}"


@pytest.fixture
def page(browser, transactional_db):
    # Depending on transactional_db makes the context close before the database is flushed.
    context, page = _new_page(browser, DESKTOP)
    yield page
    _close(context, page)


@pytest.fixture
def phone_page(browser, transactional_db):
    context, page = _new_page(browser, PHONE)
    yield page
    _close(context, page)


@pytest.fixture
def live_world(transactional_db):
    """The `world` of tests/conftest.py, committed so the live server's thread can see it."""
    from tests.builders import build_world
    from tests.conftest import _restore_shipped_criteria

    _restore_shipped_criteria()
    return build_world()


def login(page, live_server, username: str, password: str = "pw", next_path: str = ""):  # noqa: S107
    """Log in through the form (all test users have password "pw"); `next_path` picks the landing page."""
    page.goto(f"{live_server.url}/dang-nhap/" + (f"?next={next_path}" if next_path else ""))
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("button[type=submit].primary")
    return page


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=True)
    # after a full-page capture this Chromium drops the next click unless the page scrolls once
    page.evaluate("window.scrollTo(0, 0)")
    return path
