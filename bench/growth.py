"""How the per-request cost grows with the data: the same reads with 1,000 and with 100,000
operators.

    apt-get install -y wrk
    scripts/uv.sh run python bench/growth.py --sizes 1000,100000 --duration 5

Creates its own database and Redis key prefix (bench/support.py), one operator and one staff
user through the application, then clones the operator's row in SQL up to each size (each clone
with its own user ID and address, one history line each, and every other one with this year's
update done), runs ANALYZE, and loads one API process with wrk (16 connections) for each read:

- `me` (the session from Redis, the row by primary key);
- `operatorHistory` of one user (keyset on `(operator_id, occurred_at)`);
- staff's `operators(annualUpdateStatus: DUE)`, first page, and a page far into the list (keyset
  on the id, with an `EXISTS` on `annual_updates (operator_id, year)`), with half of them due,
  and at the end with 1 % due (the end of January).

The clock is fixed in January (CLOCK_FIXED), when DUE means something. Not run by the tests.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from api.domain.cursors import encode_cursor  # noqa: E402
from api.domain.vocabulary import Role  # noqa: E402
from api.persistence.migrate import upgrade_to_head  # noqa: E402
from api.services.annual_update import OPERATOR_CURSOR  # noqa: E402
from api.services.container import build_services  # noqa: E402
from api.settings import Settings  # noqa: E402
from bench.http_load import graphql_url, require_wrk, run_wrk  # noqa: E402
from bench.support import Stores, bench_stores  # noqa: E402
from tests.api.conftest import PASSWORD, make_operator, start_server, stop_server  # noqa: E402

JANUARY = "2027-01-15T10:00:00-05:00"
# Registered last year: they owe this year's update.
LAST_YEAR = "2026-06-01T12:00:00-05:00"
YEAR = 2027
ME = "{ me { userId name email version } }"
HISTORY = '{ operatorHistory(userId: "USUARIO01", first: 20) { edges { node { operation occurredAt } } } }'
DUE_FIRST_PAGE = (
    "{ operators(annualUpdateStatus: DUE, first: 20) { edges { cursor node { userId } } } }"
)
DUE_DEEP_PAGE = (
    '{ operators(annualUpdateStatus: DUE, first: 20, after: "%s") { edges { node { userId } } } }'
)


def login(base: str, identification: str, user_id: str) -> str:
    query = (
        f'mutation {{ login(identification: "{identification}", userId: "{user_id}", '
        f'password: "{PASSWORD}") {{ token }} }}'
    )
    token: str = httpx.post(f"{base}/graphql", json={"query": query}).json()["data"]["login"][
        "token"
    ]
    return token


async def grow(stores: Stores, size: int) -> None:
    """Clones operator 1 until there are `size` operators (plus the staff user)."""
    await stores.execute(
        f"""
        INSERT INTO operators (registration_type, identification_type, identification_number,
            user_id, name, role, country_code, province_code, city_code, address, phone1, phone2,
            mobile_carrier, mobile_number, fax, email, company_ruc, company_name, password_hash,
            status, version, created_at, updated_at, last_update_at, agreement_version,
            agreement_signed_at, employee_permission, status_reason, registered_name)
        SELECT o.registration_type, o.identification_type, o.identification_number,
            'OCE' || lpad(g::text, 6, '0'), o.name, o.role, o.country_code, o.province_code,
            o.city_code, o.address, o.phone1, o.phone2, o.mobile_carrier, o.mobile_number, o.fax,
            'oce' || g || '@bench.example', o.company_ruc, o.company_name, o.password_hash,
            o.status, o.version, TIMESTAMPTZ '{LAST_YEAR}', o.updated_at, o.last_update_at,
            o.agreement_version, o.agreement_signed_at, o.employee_permission, o.status_reason,
            o.registered_name
        FROM operators o, generate_series((SELECT count(*) FROM operators), {size}) g
        WHERE o.user_id = 'USUARIO01';
        INSERT INTO audit_entries (operator_id, actor_kind, actor_user_id, operation, changes,
            occurred_at)
        SELECT id, 'SYSTEM', NULL, 'REGISTER', '[]'::json, created_at
        FROM operators o
        WHERE NOT EXISTS (SELECT 1 FROM audit_entries a WHERE a.operator_id = o.id);
        INSERT INTO annual_updates (operator_id, year, completed_at)
        SELECT id, {YEAR}, now() FROM operators
        WHERE id % 2 = 0 ON CONFLICT DO NOTHING;
        ANALYZE;
        """,
    )


async def finish_january(stores: Stores, done: float) -> None:
    """Marks this year's update done for all but `1 - done` of the operators."""
    await stores.execute(
        f"""
        INSERT INTO annual_updates (operator_id, year, completed_at)
        SELECT id, {YEAR}, now() FROM operators
        WHERE random() < {done} ON CONFLICT DO NOTHING;
        ANALYZE;
        """,
    )


async def main(sizes: list[int], duration: float) -> None:
    require_wrk()
    async with bench_stores() as stores:
        env = stores.environment(CLOCK_FIXED=JANUARY)
        await asyncio.to_thread(upgrade_to_head, stores.database_url)
        settings_values: dict[str, Any] = {k.lower(): v for k, v in env.items()}
        services = build_services(Settings(**settings_values))
        try:
            await make_operator(services)
            await make_operator(
                services,
                user_id="SENAE.STAFF",
                identification="1704567898",
                email="staff@aduana.example",
                role=Role.STAFF,
            )
        finally:
            await services.close()
        server = start_server(env, Path(os.environ.get("TMPDIR", "/tmp")) / f"{stores.name}.log")
        try:
            user = {"Authorization": f"Bearer {login(server.url, '0912345675001', 'USUARIO01')}"}
            staff = {"Authorization": f"Bearer {login(server.url, '1704567898', 'SENAE.STAFF')}"}
            print("| operators | read | req/s | p50 (ms) | p99 (ms) |")
            print("|---:|---|---:|---:|---:|")
            for size in sizes:
                await grow(stores, size)
                await asyncio.to_thread(measure, server.url, user, staff, size, duration)
            # The end of January: nearly everybody is done, DUE is sparse.
            await finish_january(stores, 0.99)
            await asyncio.to_thread(measure, server.url, user, staff, sizes[-1], duration, ["late"])
        finally:
            stop_server(server)


def measure(
    base: str,
    user: dict[str, str],
    staff: dict[str, str],
    size: int,
    duration: float,
    only: list[str] | None = None,
) -> None:
    cases = [
        ("`me`", ME, user),
        ("`operatorHistory` (20)", HISTORY, user),
        ("`operators(DUE)`, first page (half due)", DUE_FIRST_PAGE, staff),
        ("`operators(DUE)`, page at 90 % (half due)", DUE_DEEP_PAGE % deep_cursor(size), staff),
        ("late", DUE_FIRST_PAGE, staff),
    ]
    for label, query, headers in cases:
        if (label == "late") != (only == ["late"]):
            continue
        if label == "late":
            label = "`operators(DUE)`, first page (1 % due)"
        url = graphql_url(base, query)
        answer = httpx.get(url, headers=headers).json()
        assert "errors" not in answer, answer
        result = run_wrk(url, headers=headers, duration=duration, connections=16, threads=2)
        print(
            f"| {size:,} | {label} | {result.requests_per_second:,.0f} "
            f"| {result.p50_ms:.2f} | {result.p99_ms:.2f} |",
            flush=True,
        )


def deep_cursor(size: int) -> str:
    """The cursor of the operator nine tenths into the list (ids run from 1 to `size`)."""
    return encode_cursor(OPERATOR_CURSOR, int(size * 0.9))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,100000")
    parser.add_argument("--duration", type=float, default=5)
    args = parser.parse_args()
    asyncio.run(main([int(s) for s in args.sizes.split(",")], args.duration))
