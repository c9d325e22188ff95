"""Youth pages stay light for a cheap phone on a slow connection.

Each page is weighed as a browser would load it: its HTML plus every stylesheet and script
it links to, uncompressed. No web fonts, nothing fetched from another site, images sized
and lazy.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

from tests.a11y.support import demo_data, youth_paths

LIMIT = 100 * 1024


class _Resources(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.loads: list[str] = []
        self.images: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "link" and a.get("href"):
            self.loads.append(a["href"] or "")
        elif tag in ("script", "img", "iframe", "source", "audio", "video") and a.get("src"):
            self.loads.append(a["src"] or "")
        if tag == "img":
            self.images.append(a)


def _weigh(client, path: str) -> tuple[int, _Resources, dict[str, str]]:  # type: ignore[no-untyped-def]
    page = client.get(path)
    assert page.status_code in (200, 404), path
    html = page.get_data(as_text=True)
    found = _Resources()
    found.feed(html)
    total, bodies = len(page.get_data()), {}
    for url in found.loads:
        assert not urlsplit(url).netloc, f"{path} loads {url} from another site"
        asset = client.get(url)
        assert asset.status_code == 200, url
        total += len(asset.get_data())
        bodies[url] = asset.get_data(as_text=True)
        asset.close()
    return total, found, bodies


def _youth_paths(demo) -> list[str]:  # type: ignore[no-untyped-def]
    # The thank-you page too: it is only reached after answering, so not in the shared list.
    return [*youth_paths(demo), f"/c/{demo.open.slug}/thanks"]


def test_no_youth_page_weighs_over_100_kb_with_its_css_and_js(app, client):
    demo = demo_data()
    weights = {path: _weigh(client, path)[0] for path in _youth_paths(demo)}
    assert all(weight > 1000 for weight in weights.values())
    assert {p: w for p, w in weights.items() if w > LIMIT} == {}


def test_youth_pages_use_no_web_fonts_no_outside_resources_and_lazy_sized_images(app, client):
    demo = demo_data()
    for path in _youth_paths(demo):
        _, found, bodies = _weigh(client, path)
        for url, body in bodies.items():
            if url.endswith(".css"):
                assert "@font-face" not in body and not re.search(r"url\(\s*['\"]?https?:", body)
        for url in found.loads:
            assert not re.search(r"\.(woff2?|ttf|otf|eot)(\?|$)", url), f"{path}: web font {url}"
        for image in found.images:
            assert image.get("width") and image.get("height"), f"{path}: unsized image {image}"
            assert image.get("loading") == "lazy", f"{path}: image not lazy {image}"
