from tests.browser.fixtures import browser, live_server, page  # noqa: F401
