"""The command line: `python -m api <command>` (SPEC §5). One small function per command."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from api.domain.errors import DomainError
from api.domain.messages import error_message
from api.domain.registration import NewOperator
from api.domain.vocabulary import RegistrationTypeCode, Role
from api.settings import Settings, load_settings

if TYPE_CHECKING:
    from api.services.container import Services

# Commands import their heavy dependencies inside their function, after the settings are read:
# `--help` stays fast and a wrong setting is reported before anything else is loaded.


def _count(number: int, singular: str, plural: str | None = None) -> str:
    """ "1 operator", "2 operators": a number and its noun agree."""
    noun = singular if number == 1 else plural or f"{singular}s"
    return f"{number} {noun}"


def _run_with_services(work: Callable[[Services], Awaitable[int]], settings: Settings) -> int:
    from api.services.container import build_services

    async def main() -> int:
        services = build_services(settings)
        try:
            return await work(services)
        finally:
            await services.close()

    return asyncio.run(main())


def serve(args: argparse.Namespace) -> int:
    settings = load_settings()
    import uvicorn

    from api.app import create_app
    from api.observability.logs import configure_logging
    from api.observability.tracing import trace_fields

    # uvicorn's loggers go through ours (JSON or text, request ids, no access log of its own:
    # the app writes one without query strings).
    configure_logging(
        level=settings.log_level,
        log_format=settings.effective_log_format,
        trace_fields=trace_fields,
    )
    where = f"http://{settings.host}:{settings.port}/graphql"
    if settings.graphiql_enabled:
        logging.getLogger("api").info("GraphQL and GraphiQL: %s", where)
    else:
        logging.getLogger("api").info(
            "GraphQL: %s (GraphiQL off: GRAPHIQL=true turns it on)", where
        )
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_config=None,
        log_level=None,
        access_log=False,
        ws="websockets-sansio",
        ws_max_size=settings.max_request_body_bytes,
        limit_concurrency=settings.max_concurrent_connections,
        timeout_graceful_shutdown=settings.shutdown_grace_seconds,
        proxy_headers=False,
    )
    return 0


def migrate(args: argparse.Namespace) -> int:
    settings = load_settings()
    from api.persistence.migrate import upgrade_to_head

    upgrade_to_head(settings.database_url)
    print("database migrated to the latest revision")
    return 0


def seed_demo(args: argparse.Namespace) -> int:
    from api.services.demo import seed_demo as seed

    async def work(services: Services) -> int:
        created = await seed(services)
        print(f"demo data ready ({_count(created, 'new user')})")
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
        company_ruc=args.company_ruc,
        company_name=args.company_name,
        legal_representative_name=args.legal_representative_name,
        legal_representative_identification=args.legal_representative_identification,
    )

    async def work(services: Services) -> int:
        try:
            row = await create_operator(services, Registration(new), actor=SYSTEM)
        except DomainError as refusal:
            for error in refusal.errors:
                print(f"error: {error.field or 'user'}: {error_message(error)}", file=sys.stderr)
            return 1
        print(f"created {row.role.lower()} {row.user_id} ({row.registration_type})")
        return 0

    return _run_with_services(work, load_settings())


def import_companies(args: argparse.Namespace) -> int:
    from api.services.company_import import BATCH_SIZE
    from api.services.company_import import import_companies as run_import

    try:
        stream = open(args.file, encoding=args.encoding, newline="")  # noqa: SIM115
    except OSError as error:
        print(f"error: {args.file}: {error.strerror}", file=sys.stderr)
        return 2

    async def work(services: Services) -> int:
        try:
            report = await run_import(services, stream)
        except UnicodeDecodeError as error:
            print(f"error: {args.file}: not {args.encoding} ({error.reason})", file=sys.stderr)
            return 2
        except DomainError as refusal:
            for missing in refusal.errors:
                print(f"error: header: {missing.field}: {error_message(missing)}", file=sys.stderr)
            return 2
        for refused in report.refused:
            for reason in refused.errors:
                print(f"line {refused.line}: {reason.field or 'row'}: {error_message(reason)}")
        print(
            f"{_count(report.rows, 'row')}: {_count(report.inserted, 'company', 'companies')} "
            f"added, {report.updated} updated, {report.unchanged} unchanged, "
            f"{_count(report.branches_skipped, 'other establishment')} skipped, "
            f"{len(report.refused)} refused; {report.suspended} suspended and {report.passive} "
            f"passive in the SRI's registry (not ACTIVO: they cannot sign the agreement); "
            f"{_count(report.operators_notified, 'operator')} of updated companies notified "
            f"(one transaction per {BATCH_SIZE} rows)"
        )
        return 1 if report.refused else 0

    with stream:
        return _run_with_services(work, load_settings())


def enroll_totp(args: argparse.Namespace) -> int:
    from api.services.second_factor import enroll_totp as enroll

    async def work(services: Services) -> int:
        try:
            uri = await enroll(services, user_id=args.user_id)
        except DomainError as refusal:
            for error in refusal.errors:
                print(f"error: {error.field or 'user'}: {error_message(error)}", file=sys.stderr)
            return 1
        # Shown once: the person enrols by scanning it as a QR code (or typing the secret).
        print(f"second factor enrolled for {args.user_id}; add it to the authenticator app:")
        print(uri)
        return 0

    return _run_with_services(work, load_settings())


def enforce_annual_update(args: argparse.Namespace) -> int:
    from api.services.annual_update import enforce_annual_update as enforce

    async def work(services: Services) -> int:
        try:
            result = await enforce(services, year=args.year, dry_run=args.dry_run)
        except DomainError as refusal:
            for error in refusal.errors:
                print(f"error: {error_message(error)}", file=sys.stderr)
            return 1
        verb = "would disable" if result.dry_run else "disabled"
        print(f"yearly update {result.year}: {verb} {_count(len(result.disabled), 'operator')}")
        for user_id in result.disabled:
            print(user_id)
        return 0

    return _run_with_services(work, load_settings())


def remind_annual_update(args: argparse.Namespace) -> int:
    from api.services.annual_update import remind_annual_update as remind

    async def work(services: Services) -> int:
        sent = await remind(services)
        print(f"reminders sent: {len(sent)}")
        for user_id in sent:
            print(user_id)
        return 0

    return _run_with_services(work, load_settings())


def create_partner_key(args: argparse.Namespace) -> int:
    from api.services.partner_keys import create_partner_key as create

    async def work(services: Services) -> int:
        try:
            issued = await create(services, name=args.name, scopes=args.scopes, created_by=None)
        except DomainError as refusal:
            for error in refusal.errors:
                print(f"error: {error.field}: {error_message(error)}", file=sys.stderr)
            return 1
        print(
            f"partner key {issued.row.id} for {issued.row.name} ({issued.row.scopes}); store it now:"
        )
        print(issued.key)
        return 0

    return _run_with_services(work, load_settings())


def list_partner_keys(args: argparse.Namespace) -> int:
    from api.services.partner_keys import list_partner_keys as listing

    async def work(services: Services) -> int:
        for row in await listing(services):
            state = f"revoked {row.revoked_at:%Y-%m-%d}" if row.revoked_at else "active"
            print(f"{row.id}\t{row.key_prefix}…\t{row.name}\t{row.scopes}\t{state}")
        return 0

    return _run_with_services(work, load_settings())


def revoke_partner_key(args: argparse.Namespace) -> int:
    from api.services.partner_keys import revoke_partner_key as revoke

    async def work(services: Services) -> int:
        try:
            await revoke(services, key_id=args.id)
        except DomainError:
            print(f"error: no active partner key {args.id}", file=sys.stderr)
            return 1
        print(f"partner key {args.id} revoked")
        return 0

    return _run_with_services(work, load_settings())


def _run_until_stopped(
    announcement: str, run: Callable[[Services, asyncio.Event], Awaitable[None]]
) -> int:
    """A worker command: runs until Ctrl+C or SIGTERM, then stops cleanly."""

    async def work(services: Services) -> int:
        stop = asyncio.Event()
        print(f"{announcement} (Ctrl+C to stop)", flush=True)
        try:
            await run(services, stop)
        except asyncio.CancelledError:
            stop.set()
        return 0

    try:
        return _run_with_services(work, load_settings())
    except KeyboardInterrupt:
        return 0


def relay(args: argparse.Namespace) -> int:
    from api.services.events import run_relay

    return _run_until_stopped("relaying the outbox to the event stream", run_relay)


def deliver_webhooks(args: argparse.Namespace) -> int:
    from api.resolvers.webhook_payloads import payload_schema, render
    from api.services.webhooks import run_webhook_delivery

    async def deliver(services: Services, stop: asyncio.Event) -> None:
        await run_webhook_delivery(services, stop, render)

    payload_schema()  # built before the first event, not while it waits
    return _run_until_stopped("delivering partner webhooks", deliver)


def export_schema(args: argparse.Namespace) -> int:
    from api.graphql.schema import schema

    sys.stdout.write(schema.as_str() + "\n")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m api", description="Ecuapass registration self-service API."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="command")

    commands.add_parser(
        "serve", help="run the API at /graphql (GraphiQL there too unless GRAPHIQL is off)"
    ).set_defaults(func=serve)
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
    user.add_argument(
        "--company-ruc",
        help="the company's RUC (employees, public officials, international organisations; "
        "a representative's is its own RUC)",
    )
    user.add_argument("--company-name", help="the company's razón social as the SRI has it")
    user.add_argument("--legal-representative-name", help="the company's legal representative")
    user.add_argument(
        "--legal-representative-identification",
        help="the legal representative's cédula (or passport)",
    )
    user.set_defaults(func=create_user)

    companies = commands.add_parser(
        "import-companies",
        help="load companies from a CSV of the SRI's RUC registry (Catastro RUC); idempotent",
    )
    companies.add_argument("file", help="the CSV file (the SRI's `|`-separated layout)")
    companies.add_argument(
        "--encoding", default="utf-8-sig", help="the file's encoding (default: UTF-8)"
    )
    companies.set_defaults(func=import_companies)

    totp = commands.add_parser(
        "enroll-totp",
        help="enrol a second factor (TOTP) for a user: prints the provisioning URI (once)",
    )
    totp.add_argument(
        "--user-id", required=True, help='"ID. usuario" (customs staff in production)'
    )
    totp.set_defaults(func=enroll_totp)

    partner = commands.add_parser(
        "create-partner-key", help="issue an API key for a partner (printed alone on the last line)"
    )
    partner.add_argument("--name", required=True, help="partner name")
    partner.add_argument("--scopes", required=True, help="comma-separated scopes, e.g. events:read")
    partner.set_defaults(func=create_partner_key)
    commands.add_parser(
        "list-partner-keys", help="list partner keys (never the keys themselves)"
    ).set_defaults(func=list_partner_keys)
    revoke = commands.add_parser("revoke-partner-key", help="revoke a partner key")
    revoke.add_argument("id", type=int, help="the key's number (see list-partner-keys)")
    revoke.set_defaults(func=revoke_partner_key)
    commands.add_parser(
        "relay", help="publish the outbox to the event stream (when RUN_RELAY=false in the API)"
    ).set_defaults(func=relay)
    commands.add_parser(
        "deliver-webhooks",
        help="deliver partner webhooks (when RUN_WEBHOOK_DELIVERY=false in the API)",
    ).set_defaults(func=deliver_webhooks)

    commands.add_parser(
        "export-schema", help="print the GraphQL SDL that schema.graphql holds"
    ).set_defaults(func=export_schema)

    enforce = commands.add_parser(
        "enforce-annual-update",
        help="after January: disable the operators that did not complete the yearly update",
    )
    enforce.add_argument("--year", type=int, help="the duty year (default: this year)")
    enforce.add_argument("--dry-run", action="store_true", help="only print who would be disabled")
    enforce.set_defaults(func=enforce_annual_update)
    commands.add_parser(
        "remind-annual-update",
        help="in January: mail one reminder per operator that still owes this year's update",
    ).set_defaults(func=remind_annual_update)
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    # Alembic announces every plugin it loads; only its warnings matter to an operator.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    # httpx logs every webhook delivery's request line at INFO; the worker records outcomes.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
