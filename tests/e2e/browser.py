"""A real headless Chromium (Debian's, driven by Playwright) for the web page tests; a screenshot of the
page is saved under var/screenshots/ when a test fails."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

from contextlib import contextmanager

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@contextmanager
def chromium():
    """Headless Chromium; start it after anything that runs its own asyncio loop in this thread (Playwright's
    sync API keeps one running until it stops)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            yield launched
        finally:
            launched.close()


def new_page(browser, request, base_url: str, **options):
    context = browser.new_context(base_url=base_url, locale="ru-RU", **options)
    page = context.new_page()
    page.set_default_timeout(20_000)
    request.addfinalizer(lambda: _finish(request, page, context))
    return page


def _finish(request, page, context) -> None:
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        SHOTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)[-150:]
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    context.close()


def sign_in(page, key: str, then: str = "/") -> None:
    page.goto(f"/signin?next={then}")
    page.get_by_label("API-ключ").fill(key)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url(f"**{then}")
