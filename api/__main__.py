"""The command line: `python -m api <command>` (SPEC §5). One small function per command."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Awaitable, Callable

from api.domain.errors import DomainError
from api.domain.messages import error_message
from api.domain.registration import NewOperator
from api.domain.vocabulary import RegistrationTypeCode, Role
from api.settings import Settings, load_settings


def _run_with_services(work: Callable[..., Awaitable[int]], settings: Settings) -> int:
    from api.services.container import build_services

    async def main() -> int:
        services = build_services(settings)
        try:
            return await work(services)
        finally:
            await services.close()

    return asyncio.run(main())


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from api.app import create_app

    settings = load_settings()
    print(f"GraphiQL: http://{settings.host}:{settings.port}/graphql", flush=True)
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level.lower(),
        ws="websockets-sansio",
        proxy_headers=False,
    )
    return 0


def migrate(args: argparse.Namespace) -> int:
    from api.persistence.migrate import upgrade_to_head

    settings = load_settings()
    upgrade_to_head(settings.database_url)
    print("database migrated to the latest revision")
    return 0


def seed_demo(args: argparse.Namespace) -> int:
    from api.services.demo import seed_demo as seed

    async def work(services: object) -> int:
        created = await seed(services)  # type: ignore[arg-type]
        print(f"demo data ready ({created} new users)")
        return 0

    return _run_with_services(work, load_settings())


def create_user(args: argparse.Namespace) -> int:
    from api.persistence.operators import SYSTEM
    from api.services.registration import Registration, create_operator

    new = NewOperator(
        registration_type=RegistrationTypeCode(args.registration_type),
        identification=args.identification,
        user_id=args.user_id,
        name=args.name,
        email=args.email,
        password=args.password,
        role=Role(args.role.upper()),
    )

    async def work(services: object) -> int:
        try:
            row = await create_operator(services, Registration(new), actor=SYSTEM)  # type: ignore[arg-type]
        except DomainError as refusal:
            for error in refusal.errors:
                print(f"error: {error.field or 'user'}: {error_message(error)}", file=sys.stderr)
            return 1
        print(f"created {row.role.lower()} {row.user_id} ({row.registration_type})")
        return 0

    return _run_with_services(work, load_settings())


def create_partner_key(args: argparse.Namespace) -> int:
    print("partner keys are not yet available", file=sys.stderr)
    return 1


def export_schema(args: argparse.Namespace) -> int:
    from api.schema.root import schema

    sys.stdout.write(schema.as_str() + "\n")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m api", description="Ecuapass registration self-service API."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="command")

    commands.add_parser("serve", help="run the API (GraphiQL at /graphql)").set_defaults(func=serve)
    commands.add_parser("migrate", help="apply database migrations").set_defaults(func=migrate)
    commands.add_parser("seed-demo", help="load the demo users (idempotent)").set_defaults(
        func=seed_demo
    )

    user = commands.add_parser("create-user", help="register a user (validated like the API)")
    user.add_argument(
        "--registration-type",
        required=True,
        choices=[code.value for code in RegistrationTypeCode],
        help="the form the user registers under (SENAE-ISEE-3-2-010 §5.4)",
    )
    user.add_argument("--identification", required=True, help="RUC, cédula or passport number")
    user.add_argument("--user-id", required=True, help='"ID. usuario"')
    user.add_argument("--name", required=True, help="full name")
    user.add_argument("--email", required=True, help="personal e-mail address")
    user.add_argument("--password", required=True, help="initial password")
    user.add_argument(
        "--role", default="user", choices=["user", "staff"], help="staff: customs staff"
    )
    user.set_defaults(func=create_user)

    partner = commands.add_parser("create-partner-key", help="issue an API key for a partner")
    partner.add_argument("--name", help="partner name")
    partner.add_argument("--scopes", help="comma-separated scopes, e.g. events:read")
    partner.set_defaults(func=create_partner_key)

    commands.add_parser(
        "export-schema", help="print the GraphQL SDL that schema.graphql holds"
    ).set_defaults(func=export_schema)
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    # Alembic announces every plugin it loads; only its warnings matter to an operator.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
