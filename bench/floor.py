"""The shared floor (`floor_app.py`, kept outside this repository by the benchmarks' owners) run
beside the API on the bench's own stores: its `/bare` route does the I/O of `me` with nothing on
top, `/graphql` the same through a plain Strawberry schema, `/cached` the same with Strawberry's
ParserCache and ValidationCache, `/static` serves stored bytes.

The floor's path is `--floor-app` (default: `FLOOR_APP`, else `shared/bench/floor_app.py` beside
this repository's folder). bench/me_cpu.py imports it (`load_floor`); the HTTP benchmarks
(bench/me.py, bench/catalogs.py) run it in a uvicorn process of its own (`start_floor`)."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import redis.asyncio as aioredis

from bench.http_load import start
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


def floor_environment(
    stores: Stores, user_id: str | None, static: Path | None = None, token: str = FLOOR_TOKEN
) -> dict[str, str]:
    """The floor's variables: the bench's database and Redis; with `user_id`, the session the
    floor writes at start for `token`; with `static`, the bytes `/static` serves."""
    environment = {
        "FLOOR_DSN": stores.database_url.replace("postgresql+asyncpg", "postgresql"),
        "FLOOR_REDIS": REDIS_URL,
    }
    if user_id is not None:
        environment.update(FLOOR_TOKEN=token, FLOOR_USER_ID=user_id)
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


def start_floor(path: Path, environment: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    """The floor in a uvicorn process of its own (one worker, no access log) on 127.0.0.1:`port`,
    with `environment` (floor_environment) added to this process's."""
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        f"{path.stem}:app",
        "--app-dir",
        str(path.parent),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        "1",
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    return start(command, {**os.environ, **environment}, port)


async def forget_floor_session(token: str) -> None:
    """Deletes the session the floor wrote for `token` (the floor keys it outside the bench's
    Redis prefix: `floor:session:` and the token's SHA-256)."""
    client = aioredis.Redis.from_url(REDIS_URL)
    try:
        await client.delete("floor:session:" + hashlib.sha256(token.encode()).hexdigest())
    finally:
        await client.aclose()
