"""Behind a real PgBouncer in transaction pooling mode (what a large PostgreSQL deployment puts in
front of the database): with DATABASE_BEHIND_PGBOUNCER the API runs its reads, its transactions
and its outbox through it, under parallel load, without a prepared-statement error."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from api.services.container import Services
from tests.api.conftest import (
    Api,
    Environment,
    Server,
    SmtpSink,
    free_port,
    make_operator,
    start_server,
    stop_server,
)
from tests.api.test_modify import MODIFY, form, request_code


def pgbouncer_binary() -> str:
    found = shutil.which("pgbouncer") or (
        "/usr/sbin/pgbouncer" if Path("/usr/sbin/pgbouncer").exists() else None
    )
    assert found, "pgbouncer must be installed (scripts/services.sh installs it)"
    return found


@pytest.fixture
def pgbouncer(environment: Environment) -> Iterator[int]:
    """A PgBouncer on a free port, transaction pooling, in front of the tests' PostgreSQL."""
    directory = Path(tempfile.mkdtemp(prefix="pgbouncer-"))
    port = free_port()
    (directory / "userlist.txt").write_text('"postgres" ""\n')
    (directory / "pgbouncer.ini").write_text(
        "[databases]\n* = host=127.0.0.1 port=5432\n"
        "[pgbouncer]\n"
        f"listen_addr = 127.0.0.1\nlisten_port = {port}\n"
        f"auth_type = trust\nauth_file = {directory}/userlist.txt\n"
        "pool_mode = transaction\ndefault_pool_size = 4\nmax_client_conn = 500\n"
        f"unix_socket_dir =\nlogfile = {directory}/pgbouncer.log\npidfile = {directory}/pgbouncer.pid\n"
    )
    command = [pgbouncer_binary(), str(directory / "pgbouncer.ini")]
    if os.geteuid() == 0:
        # PgBouncer does not run as root: it becomes postgres, who must own its files.
        command[1:1] = ["-u", "postgres"]
        for path in (directory, *directory.iterdir()):
            shutil.chown(path, user="postgres")
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    else:
        process.kill()
        raise RuntimeError("pgbouncer did not start")
    yield port
    process.terminate()
    process.wait(timeout=10)
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def server_behind_pgbouncer(
    environment: Environment, pgbouncer: int, tmp_path: Path
) -> Iterator[Server]:
    database = urlsplit(environment.database_url).path.lstrip("/")
    started = start_server(
        environment.variables(
            DATABASE_URL=f"postgresql+asyncpg://postgres@127.0.0.1:{pgbouncer}/{database}",
            DATABASE_BEHIND_PGBOUNCER="true",
            DATABASE_POOL_SIZE="10",
        ),
        tmp_path / "api.log",
    )
    yield started
    stop_server(started)


async def test_the_api_works_through_pgbouncer_in_transaction_mode_under_parallel_load(
    services: Services, smtp: SmtpSink, server_behind_pgbouncer: Server
) -> None:
    await make_operator(services)
    async with httpx.AsyncClient(
        base_url=server_behind_pgbouncer.url, timeout=30, limits=httpx.Limits(max_connections=50)
    ) as client:
        api = Api(client)
        token = await api.login("0912345675001", "USUARIO01")
        # Far more parallel requests than PgBouncer has server connections (4): every one of
        # them runs its statements on whichever connection it is given.
        answers = await asyncio.gather(
            *(
                api.post(
                    '{ me { userId version } operatorHistory(userId: "USUARIO01", first: 5) { edges { cursor } } }',
                    token=token,
                )
                for _ in range(60)
            )
        )
        assert all("errors" not in answer for answer in answers), [
            a for a in answers if "errors" in a
        ][:2]
        # A transaction of many statements (the update, the audit row, the outbox event, the
        # code used up), and a refused one that writes nothing.
        code = await request_code(api, token, smtp, "ana.gonzalez@correo.example")
        refused = (
            await api.data(MODIFY, {"input": form(securityCode=code, phone1="12")}, token=token)
        )["modify"]
        assert refused["errors"]
        done = (await api.data(MODIFY, {"input": form(securityCode=code)}, token=token))["modify"]
        assert done["errors"] == []
        assert done["operator"]["version"] == 2
    log = server_behind_pgbouncer.log()
    assert "prepared statement" not in log
    assert "Traceback" not in log
