"""GraphiQL's page names only files this server serves, each the very file its `integrity`
records, and runs no inline code (its policy allows none)."""

from __future__ import annotations

import json
from html.parser import HTMLParser

from api.graphiql import ASSETS_PATH, VENDOR, assets_by_url, page_html, sha384


class Tags(HTMLParser):
    """The page's tags with their attributes, and whether any script or style is inline."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.inline: list[str] = []
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._open = tag

    def handle_data(self, data: str) -> None:
        if self._open in {"script", "style"} and data.strip():
            self.inline.append(data)

    def handle_endtag(self, tag: str) -> None:
        self._open = None


def parsed_page() -> Tags:
    tags = Tags()
    tags.feed(page_html())
    return tags


def test_every_vendored_file_is_the_one_its_recorded_integrity_names() -> None:
    manifest = json.loads((VENDOR / "assets.json").read_text(encoding="utf-8"))
    assert manifest
    for name, entry in manifest.items():
        file = VENDOR / entry["path"]
        assert sha384(file) == entry["integrity"], name
        assert (file.parent / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")


def test_the_page_loads_every_script_and_stylesheet_from_this_server_with_its_integrity() -> None:
    loaded = [
        (attrs.get("src") or attrs.get("href"), attrs.get("integrity"))
        for tag, attrs in parsed_page().tags
        if tag == "script" or (tag == "link" and attrs.get("rel") == "stylesheet")
    ]
    served = assets_by_url()
    assert {url for url, _ in loaded} == set(served)
    for url, integrity in loaded:
        assert url is not None
        assert url.startswith(ASSETS_PATH + "/"), url
        assert integrity == served[url].integrity


def test_the_page_names_no_other_server_and_runs_no_inline_code() -> None:
    tags = parsed_page()
    assert tags.inline == []
    assert not any(tag == "style" for tag, _ in tags.tags)
    for _, attrs in tags.tags:
        assert not any(name.startswith("on") for name in attrs), attrs
    assert "http://" not in page_html()
    assert "https://" not in page_html()


def test_react_graphiql_and_the_explorer_are_all_served_and_js_cookie_is_not() -> None:
    packages = {url.split("/")[4] for url in assets_by_url() if "/vendor/" in url}
    assert packages == {
        "react@18.2.0",
        "react-dom@18.2.0",
        "graphiql@3.8.3",
        "@graphiql_plugin-explorer@1.0.2",
    }
    assert "js-cookie" not in page_html()
