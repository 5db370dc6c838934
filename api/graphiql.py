"""GraphiQL served entirely by the API: the page and every file it loads, so that it works on a
customs intranet with no network beyond this server.

Strawberry's own page loads React, ReactDOM, js-cookie, GraphiQL and its explorer plugin from a
public CDN; without it the page stays on "Loading...". Here the same pinned versions are kept in
the repository (api/static/graphiql/vendor, refreshed from the npm registry by
scripts/vendor_graphiql.sh, listed in assets.json with the hash each `integrity` attribute
carries) and served under `/static/graphiql/`. The view gives this page through Strawberry's
documented hook, `render_graphql_ide`.

The page runs no inline code: the start-up script and the page's styles are files too, so the
page's Content-Security-Policy (api/security_headers.py) allows scripts and styles from this
origin only. js-cookie is gone: it only read Django's CSRF cookie, and this API reads bearer
tokens, never cookies.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from functools import cache
from html import escape
from pathlib import Path
from typing import Final

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route

ASSETS_PATH: Final = "/static/graphiql"
STATIC: Final = Path(__file__).parent / "static" / "graphiql"
VENDOR: Final = STATIC / "vendor"
# A vendored file's URL names its package and version: a new version is a new URL.
FOREVER: Final = "public, max-age=31536000, immutable"
# Our own start-up script and styles change with the service: the browser asks again each time.
REVALIDATE: Final = "no-cache"
MEDIA_TYPES: Final = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}


@dataclass(frozen=True, slots=True)
class Asset:
    """A file the page loads: where it is, the hash its tag carries, how long it may be kept."""

    url: str
    file: Path
    integrity: str
    cache_control: str

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.file.suffix]


def sha384(file: Path) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(file.read_bytes()).digest()).decode()


@cache
def assets() -> dict[str, Asset]:
    """Every file the page loads, by name: the vendored ones from assets.json, then ours."""
    manifest = json.loads((VENDOR / "assets.json").read_text(encoding="utf-8"))
    found = {
        name: Asset(
            url=f"{ASSETS_PATH}/vendor/{entry['path']}",
            file=VENDOR / entry["path"],
            integrity=entry["integrity"],
            cache_control=FOREVER,
        )
        for name, entry in manifest.items()
    }
    for name, file in (("start", STATIC / "start.js"), ("page-css", STATIC / "page.css")):
        found[name] = Asset(
            url=f"{ASSETS_PATH}/{file.name}",
            file=file,
            integrity=sha384(file),
            cache_control=REVALIDATE,
        )
    return found


@cache
def assets_by_url() -> dict[str, Asset]:
    return {asset.url: asset for asset in assets().values()}


def _script(asset: Asset) -> str:
    return f'<script src="{escape(asset.url)}" integrity="{asset.integrity}"></script>'


def _stylesheet(asset: Asset) -> str:
    return f'<link rel="stylesheet" href="{escape(asset.url)}" integrity="{asset.integrity}">'


@cache
def page_html() -> str:
    """GraphiQL's page. The order of the scripts matters: React, then GraphiQL, which the
    explorer plugin extends, then the start-up script that renders them."""
    files = assets()
    head = "\n    ".join(
        [
            _stylesheet(files["graphiql-css"]),
            _stylesheet(files["explorer-css"]),
            _stylesheet(files["page-css"]),
        ]
    )
    scripts = "\n    ".join(
        _script(files[name]) for name in ("react", "react-dom", "graphiql", "explorer", "start")
    )
    return f"""<!doctype html>
<html lang="es">
  <head>
    <meta charset="utf-8">
    <title>Ecuapass · GraphiQL</title>
    <link rel="icon" href="data:,">
    {head}
  </head>
  <body>
    <div id="graphiql">Cargando GraphiQL…</div>
    {scripts}
  </body>
</html>
"""


def page() -> HTMLResponse:
    """The answer to a browser's GET of /graphql (the view's `render_graphql_ide`)."""
    return HTMLResponse(page_html())


async def serve_asset(request: Request) -> Response:
    asset = assets_by_url().get(request.url.path)
    if asset is None:
        return PlainTextResponse("Not Found", status_code=404)
    return FileResponse(
        asset.file,
        media_type=asset.media_type,
        headers={"Cache-Control": asset.cache_control},
    )


def asset_route() -> Route:
    """`GET /static/graphiql/...`: only the files the page names, nothing else of the disk."""
    return Route(ASSETS_PATH + "/{path:path}", serve_asset, methods=["GET"])
