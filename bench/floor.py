"""The shared floor (`floor_app.py`, kept outside this repository by the benchmarks' owners) run
beside the API on the bench's own stores: its `/bare` route does the I/O of `me` with nothing on
top, `/graphql` the same through a plain Strawberry schema, `/cached` the same with Strawberry's
ParserCache and ValidationCache, `/static` serves stored bytes.

The floor's path is `--floor-app` (default: `FLOOR_APP`, else `shared/bench/floor_app.py` beside
this repository's folder)."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

from bench.support import REDIS_URL, Stores

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_FLOOR_APP = ROOT.parent / "shared" / "bench" / "floor_app.py"
FLOOR_TOKEN = "floor-bench-token"
ME_FIELDS = "{ me { userId name email address phone1 version } }"


def floor_app_path(given: str | None) -> Path:
    path = Path(given or os.environ.get("FLOOR_APP") or DEFAULT_FLOOR_APP)
    if not path.is_file():
        raise SystemExit(f"the floor app is not at {path}: pass --floor-app")
    return path


def floor_environment(stores: Stores, user_id: str, static: Path | None = None) -> dict[str, str]:
    environment = {
        "FLOOR_DSN": stores.database_url.replace("postgresql+asyncpg", "postgresql"),
        "FLOOR_REDIS": REDIS_URL,
        "FLOOR_TOKEN": FLOOR_TOKEN,
        "FLOOR_USER_ID": user_id,
    }
    if static is not None:
        environment["FLOOR_STATIC"] = str(static)
    return environment


def load_floor(path: Path) -> ModuleType:
    """The floor's module, imported from its file (it reads its environment at import)."""
    spec = importlib.util.spec_from_file_location("floor_app", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # Strawberry resolves the floor's annotations through its module's namespace.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module
