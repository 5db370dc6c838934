"""CPU of an API process that serves nothing: what its background work costs (the outbox relay,
the webhook worker, the notice delivery, the event hub), paid by every replica all day, and
taken from the requests when it is busy.

    scripts/uv.sh run python bench/idle.py [--seconds 30] [--webhook]

Starts `python -m api serve` with its default settings (the relay and the webhook worker on) on a
database and Redis key prefix of its own (bench/support.py), holding one operator whose
registration's event the relay has published, so the event stream exists as in any deployment
that ever changed anything. `--webhook` also registers a webhook that is up to date (nothing to
send). After a settling wait, reads the process's user and system CPU time from /proc over
`--seconds` and prints it as a share of one core.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.http_load import free_port, start, stop  # noqa: E402
from bench.me import SETUP  # noqa: E402
from bench.support import Stores, bench_stores  # noqa: E402

SETTLE_SECONDS = 5.0


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def register_webhook(stores: Stores) -> None:
    """A partner key and one webhook on it, in the bench's database."""
    # An address of this host, allowed as a target the way an operator allows an internal one:
    # registration checks the target, and the bench has no public name to resolve.
    os.environ.update(stores.environment(WEBHOOK_ALLOWED_INTERNAL_TARGETS="127.0.0.1"))
    from api.services.container import build_services
    from api.services.partner_keys import create_partner_key
    from api.services.webhooks import register_webhook as register
    from api.settings import Settings

    services = build_services(Settings())
    try:
        issued = await create_partner_key(
            services, name="Banco del Pacífico", scopes="webhooks", created_by=None
        )
        await register(
            services,
            key_id=issued.row.id or 0,
            url="http://127.0.0.1:9/ecuapass",
            event_types=None,
            document=None,
        )
    finally:
        await services.close()


def environment(stores: Stores) -> dict[str, str]:
    return {**os.environ, **stores.environment(PYTHONPATH=str(ROOT), HOST="127.0.0.1")}


def set_up(stores: Stores) -> None:
    """The bench's database migrated, with its one operator."""
    for command in SETUP:
        subprocess.run(
            [sys.executable, "-m", "api", *command],
            cwd=ROOT,
            env=environment(stores),
            check=True,
            capture_output=True,
        )


def measure(stores: Stores, seconds: float) -> float:
    env = environment(stores)
    port = free_port()
    process = start([sys.executable, "-m", "api", "serve"], {**env, "PORT": str(port)}, port)
    try:
        time.sleep(SETTLE_SECONDS)  # the relay publishes the one event; the worker catches up
        before = cpu_seconds(process.pid)
        time.sleep(seconds)
        return (cpu_seconds(process.pid) - before) / seconds
    finally:
        stop([process])


async def main(arguments: argparse.Namespace) -> None:
    async with bench_stores() as stores:
        await asyncio.to_thread(set_up, stores)
        if arguments.webhook:
            await register_webhook(stores)
        share = await asyncio.to_thread(measure, stores, arguments.seconds)
    what = "with one webhook up to date" if arguments.webhook else "no webhook"
    print(f"idle API process ({what}), {arguments.seconds:g} s: {share * 100:.2f} % of a core")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--webhook", action="store_true", help="register one webhook first")
    asyncio.run(main(parser.parse_args()))
