from tests.browser.fixtures import browser, page  # noqa: F401
