"""What every browser test does the same way: start Debian's chromium under Playwright, give each person a page of
their own (a fresh context: its own cookie jar) and log them in through the login form.

    with browse(chromium_path, live_server.url) as walk:
        desk = walk.as_(entity)                  # logged in
        public = walk.as_(None)                  # anonymous
        phone = walk.as_(winner, viewport={"width": 390, "height": 844}, is_mobile=True)
        text = walk.go(desk, "/tenders/my/")     # asserts a 200 and returns the text of <main>

Playwright's sync API runs an event loop in the test's thread: tests/e2e/conftest.py lets the ORM run there
(DJANGO_ALLOW_ASYNC_UNSAFE, for the browser tests only) and gives them a platform signing key of their own.
"""
from contextlib import contextmanager

from django.db import connection
from django.urls import get_resolver
from playwright.sync_api import sync_playwright

from tests.factories import PASSWORD

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]
TIMEOUT_MS = 20000


class Walk:
    """One browser, a fresh context (cookie jar) per person."""

    def __init__(self, browser, base, timeout=TIMEOUT_MS):
        self.browser, self.base, self.timeout = browser, base, timeout

    def as_(self, user=None, **context):
        """A new page in a context of its own (`context`: Playwright's new_context options), logged in as `user`
        (None: anonymous)."""
        page = self.browser.new_context(**context).new_page()
        page.set_default_timeout(self.timeout)
        if user is not None:
            self.log_in(page, user)
        return page

    def log_in(self, page, user, next_path=""):
        """Log `user` in on `page` through the login form; with `next_path` the form sends them on there."""
        page.goto(f"{self.base}/accounts/login/" + (f"?next={next_path}" if next_path else ""))
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", PASSWORD)
        page.click("form.stacked button[type=submit]")
        page.wait_for_load_state()
        assert "/accounts/login/" not in page.url, f"{user.username} could not log in"
        return page

    def go(self, page, path):
        """Open `path` on `page`; it must answer 200. Returns the text of <main>."""
        response = page.goto(f"{self.base}{path}")
        assert response.status == 200, f"{path}: {response.status}"
        return page.inner_text("main")


@contextmanager
def browse(chromium_path, base, timeout=TIMEOUT_MS):
    """A chromium for the test, as a Walk over the live server at `base`; closed (and the ORM's connection of the
    browser's event loop with it) when the block ends."""
    # Import every view module now (the collusion pages pull in scikit-learn), not on the browser's first request.
    get_resolver().check()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            yield Walk(browser, base, timeout)
        finally:
            browser.close()
            # Inside Playwright's loop the ORM keeps a connection of its own (Django's connections are per async
            # context): close it here, or PostgreSQL cannot drop the test database.
            connection.close()


def send_sealed_bid(page, fields, attachments=()):
    """On the bid form: type `fields` ({"price": "970000.00", ...}) into the fields the browser seals, attach
    `attachments` (Playwright file payloads) and send it once the device fingerprint is filled in."""
    for name, value in fields.items():
        page.fill(f"[data-sealed={name}]", value)
    if attachments:
        page.set_input_files("[data-sealed=attachments]", files=list(attachments))
    page.wait_for_function("document.querySelector('input[name=device_fingerprint]').value !== ''")
    page.click("#bid-form button[type=submit]")
