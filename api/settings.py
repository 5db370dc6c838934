"""Configuration from the environment (SPEC §5). Defaults give the zero-setup mode.

A wrong value stops start-up with one line naming the variable (`load_settings`).
"""

from __future__ import annotations

import re
import sys
from datetime import datetime
from enum import StrEnum
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import Annotated

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from api.domain.vocabulary import RegistrationTypeCode

DEVELOPMENT_SECRET = "development-only-secret-change-me"  # noqa: S105 - refused in production


class Environment(StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"


class LogFormat(StrEnum):
    JSON = "json"
    TEXT = "text"


# The OTLP exporter installed speaks HTTP with protobuf; gRPC would need another package.
OTLP_PROTOCOL = "http/protobuf"
TRACE_EXPORTERS = frozenset({"otlp", "console"})
ORIGIN_PATTERN = re.compile(
    r"^https?://[a-z0-9.-]+(:[0-9]{1,5})?$|^https?://\[[0-9a-f:.]+\](:[0-9]{1,5})?$"
)
ProxyNetwork = IPv4Network | IPv6Network
PEN_PATTERN = re.compile(r"1\.3\.6\.1\.4\.1\.[0-9]{1,9}")


def _comma_separated(value: object) -> object:
    if isinstance(value, str):
        return tuple(item.strip() for item in value.split(",") if item.strip())
    return value


def _host_and_port(item: object) -> object:
    if not isinstance(item, str):
        return item
    host, colon, port = item.rpartition(":")
    if not colon or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"{item!r} is not host:port (e.g. sentinel-0:26379)")
    return host.strip("[]"), int(port)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=None, extra="ignore", frozen=True)

    environment: Environment = Environment.DEVELOPMENT
    database_url: str = "sqlite+aiosqlite:///./ecuapass.db"
    # PostgreSQL connections each process keeps open (opened as needed, then kept); a request
    # beyond them waits up to 5 s for one. Processes x pool size must fit the server's
    # max_connections (100 by default).
    database_pool_size: Annotated[int, Field(ge=1, le=200)] = 20
    # DATABASE_URL names a PgBouncer in transaction pooling mode (prepared statements off).
    database_behind_pgbouncer: bool = False
    # Unset means the in-process Redis-compatible store of the zero-setup mode.
    redis_url: str | None = None
    redis_key_prefix: str = "ecuapass:"
    # Redis connections each process may open; a request beyond them waits up to 2 s for one.
    redis_pool_size: Annotated[int, Field(ge=1, le=10_000)] = 50
    # Redis behind Sentinel (comma-separated host:port of the Sentinels): the master is whoever
    # they name for REDIS_SENTINEL_MASTER, asked again after a failover. REDIS_URL is then
    # optional and gives only the master's user, password and database number.
    redis_sentinels: Annotated[tuple[tuple[str, int], ...], NoDecode] = ()
    redis_sentinel_master: str | None = None
    # The Sentinels' own password (`requirepass` in sentinel.conf), when they have one.
    redis_sentinel_password: str | None = None
    smtp_host: str | None = None
    smtp_port: Annotated[int, Field(ge=1, le=65535)] = 25
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    smtp_timeout_seconds: Annotated[float, Field(gt=0)] = 10.0
    mail_from: str = "Ecuapass SENAE <no-responder@aduana.gob.ec>"
    host: str = "127.0.0.1"
    port: Annotated[int, Field(ge=1, le=65535)] = 8000
    secret_key: str = DEVELOPMENT_SECRET
    # Look up the domain's mail servers when checking an address (off: no DNS in tests/offline).
    email_check_deliverability: bool = False
    # Where deregistration notices for customs staff go (§5.8: "notifies staff").
    staff_mailbox: str = "registro.usuarios@aduana.gob.ec"
    # PEM certificates of the certification authorities whose signatures are accepted for the
    # electronic-channels agreement (Ecuador's accredited CAs in production).
    signature_ca_dir: Path | None = None
    # The private enterprise numbers (PEN) of further CAs whose certificates name their holder in
    # private extensions (PEN.3.1 cédula, PEN.3.11 RUC) and mark its kind in their policies,
    # comma-separated: read beside the accredited CAs FirmaEC's library knows, which are always
    # read (api/domain/certificate_holders.py). The subject layout is read for every CA.
    signature_ca_pens: Annotated[tuple[str, ...], NoDecode] = ()
    # The registration types the yearly duty covers (comma-separated codes). Resolution
    # SENAE-DGN-2016-0364-RE obliges "el OCE" to update "los datos asociados a su registro de
    # operador": by default the foreign trade representative (the OCE's own registration) and
    # its employees; README "The yearly update" explains the choice.
    annual_update_types: Annotated[frozenset[RegistrationTypeCode], NoDecode] = frozenset(
        {RegistrationTypeCode.FOREIGN_TRADE_REPRESENTATIVE, RegistrationTypeCode.EMPLOYEE}
    )
    # An operator staff reactivated after January is not disabled again by the yearly
    # enforcement until this many days after the reactivation, so that it can do the update
    # (0: no grace). An interpretation: the seeds do not speak of reactivation.
    annual_update_reactivation_grace_days: Annotated[int, Field(ge=0, le=366)] = 15
    # Partner events: the stream keeps about this many recent events (older ones come from the
    # database); a subscriber more than `subscriber_buffer` events behind is disconnected.
    event_stream_max_length: Annotated[int, Field(ge=100)] = 10_000
    subscriber_buffer: Annotated[int, Field(ge=10)] = 1000
    # Live subscriptions one caller (a partner key, a user) may hold in one API process.
    max_subscriptions_per_caller: Annotated[int, Field(ge=1)] = 20
    # Run the outbox relay inside each API process (off: run `python -m api relay` instead).
    run_relay: bool = True
    # Partner webhooks: run the delivery worker inside each API process (off: run
    # `python -m api deliver-webhooks` instead; several workers share the work safely).
    run_webhook_delivery: bool = True
    # One attempt's bound (connect, send, answer); a slower receiver counts as failed.
    webhook_timeout_seconds: Annotated[float, Field(gt=0, le=60)] = 10.0
    # Retries: the first pause, doubling up to the longest, for the window after the first
    # attempt; then the delivery is a dead letter the partner lists and redelivers.
    webhook_retry_base_seconds: Annotated[float, Field(gt=0)] = 10.0
    webhook_retry_max_seconds: Annotated[float, Field(gt=0)] = 3600.0
    webhook_retry_window_seconds: Annotated[float, Field(gt=0)] = 259_200.0
    # How often an idle worker looks for new events and due retries.
    webhook_poll_seconds: Annotated[float, Field(gt=0, le=60)] = 0.5
    webhooks_per_key: Annotated[int, Field(ge=1, le=100)] = 10
    # Delivered deliveries are kept this long (to tell a duplicate by its webhook-id in a
    # dispute), then deleted; dead letters stay until redelivered or their webhook is deleted.
    webhook_retention_days: Annotated[float, Field(gt=0)] = 7.0
    # Internal networks a webhook may target anyway (comma-separated IPs or CIDRs; plain HTTP
    # only inside them). None by default: loopback, private and link-local are refused. Tests
    # name 127.0.0.1.
    webhook_allowed_internal_targets: Annotated[tuple[ProxyNetwork, ...], NoDecode] = ()
    # GraphiQL in the browser at /graphql; unset: on in development, off in production (where
    # introspection is off too and unexpected errors are masked).
    graphiql: bool | None = None
    # Sliding session: each authenticated request renews the expiry.
    session_ttl_seconds: Annotated[int, Field(ge=60)] = 1800
    login_max_failures_per_account: Annotated[int, Field(ge=1)] = 5
    login_max_failures_per_address: Annotated[int, Field(ge=1)] = 50
    login_failure_window_seconds: Annotated[int, Field(ge=1)] = 900
    # Requests to /graphql per client address and minute, over every operation (a WebSocket
    # connection counts once); 0 turns the budget off. An office behind one NAT address shares
    # it: size it for the busiest agency (README "Operating it").
    request_budget_per_minute: Annotated[int, Field(ge=0)] = 600
    # Deregistration requests and withdrawals per user and hour.
    deregistration_changes_per_hour: Annotated[int, Field(ge=1)] = 10
    # None: decided by the database (on for SQLite, the zero-setup mode; off otherwise).
    auto_migrate: bool | None = None
    seed_demo: bool | None = None
    # A fixed instant for tests and rehearsals ("2027-01-15T10:00:00-05:00"); unset = real time.
    clock_fixed: datetime | None = None
    log_level: str = "INFO"
    # Observability and HTTP limits (README "Operating it").
    # json: one JSON object per line; text: for a terminal. Unset: json in production, else text.
    log_format: LogFormat | None = None
    # A request body above this is refused with 413 before anything parses it; the same bound
    # applies to each WebSocket message.
    max_request_body_bytes: Annotated[int, Field(ge=1024)] = 1_048_576
    # A body that has not fully arrived this long after the request began is refused with 408.
    request_body_timeout_seconds: Annotated[float, Field(gt=0)] = 10.0
    # Connections and requests one process serves at once; beyond them uvicorn answers 503
    # (a flood of idle or slow connections cannot take the process's memory).
    max_concurrent_connections: Annotated[int, Field(ge=10)] = 1000
    # On SIGTERM the process stops accepting, closes subscriptions with 1012 (service restart:
    # clients reconnect elsewhere and resume with `after`) and gives requests in flight this
    # long to finish; then it cancels them and exits. Keep it below the orchestrator's kill
    # deadline (Kubernetes' terminationGracePeriodSeconds, 30 s by default).
    shutdown_grace_seconds: Annotated[int, Field(ge=1, le=3600)] = 20
    # Origins whose pages may call the API from a browser (CORS) and open its WebSocket
    # (comma-separated, e.g. "https://portal.aduana.gob.ec"; "*" for any). None by default.
    cors_origins: Annotated[tuple[str, ...], NoDecode] = ()
    # Reverse proxies whose X-Forwarded-For is believed (comma-separated IPs or CIDRs). None by
    # default: the client address is the TCP peer.
    trusted_proxies: Annotated[tuple[ProxyNetwork, ...], NoDecode] = ()
    # `/metrics` in the Prometheus text format. With a token set, only requests that carry it
    # as `Authorization: Bearer …` are answered; production requires one unless metrics are off.
    metrics_enabled: bool = True
    metrics_token: str | None = None
    # `Strict-Transport-Security: max-age=…` on every answer; set it (e.g. 31536000) when clients
    # reach the service over TLS through the proxy. 0: not sent.
    hsts_max_age_seconds: Annotated[int, Field(ge=0)] = 0
    # OpenTelemetry tracing reads the standard variables; these decide whether it is on. It is
    # off unless an exporter or an OTLP endpoint is named.
    otel_sdk_disabled: bool = False
    otel_traces_exporter: Annotated[tuple[str, ...], NoDecode] = ()
    otel_exporter_otlp_endpoint: str | None = None
    otel_exporter_otlp_traces_endpoint: str | None = None
    otel_exporter_otlp_protocol: str = OTLP_PROTOCOL
    otel_exporter_otlp_traces_protocol: str | None = None

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, value: str) -> str:
        if not value.startswith(("postgresql+asyncpg://", "sqlite+aiosqlite://")):
            raise ValueError("use postgresql+asyncpg://… or sqlite+aiosqlite:///…")
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis_scheme(cls, value: str | None) -> str | None:
        if value and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("use redis://host:port/db")
        return value or None

    @field_validator("redis_sentinels", mode="before")
    @classmethod
    def _sentinel_addresses(cls, value: object) -> object:
        value = _comma_separated(value)
        if isinstance(value, tuple):
            return tuple(_host_and_port(item) for item in value)
        return value

    @field_validator("signature_ca_pens", mode="before")
    @classmethod
    def _private_enterprise_numbers(cls, value: object) -> object:
        value = _comma_separated(value)
        if isinstance(value, tuple):
            for pen in value:
                if not PEN_PATTERN.fullmatch(str(pen)):
                    raise ValueError(f"{pen!r} is not a PEN (e.g. 1.3.6.1.4.1.37746)")
        return value

    @field_validator("annual_update_types", mode="before")
    @classmethod
    def _registration_types(cls, value: object) -> object:
        if isinstance(value, str):
            return frozenset(
                RegistrationTypeCode(v.strip().upper()) for v in value.split(",") if v.strip()
            )
        return value

    @field_validator("clock_fixed")
    @classmethod
    def _aware_clock(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("give a time zone, e.g. 2027-01-15T10:00:00-05:00")
        return value

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _origins_list(cls, value: object) -> object:
        return _comma_separated(value)

    @field_validator("cors_origins")
    @classmethod
    def _origins(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        origins = tuple(origin.lower().rstrip("/") for origin in value)
        for origin in origins:
            if origin != "*" and not ORIGIN_PATTERN.match(origin):
                raise ValueError(f"{origin!r} is not an origin like https://portal.example.ec")
        return origins

    @field_validator("trusted_proxies", "webhook_allowed_internal_targets", mode="before")
    @classmethod
    def _proxy_networks(cls, value: object) -> object:
        value = _comma_separated(value)
        if isinstance(value, tuple):
            return tuple(ip_network(item, strict=False) for item in value)
        return value

    @field_validator("otel_traces_exporter", mode="before")
    @classmethod
    def _exporter_list(cls, value: object) -> object:
        return _comma_separated(value)

    @field_validator("otel_traces_exporter")
    @classmethod
    def _known_exporters(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        names = tuple(name.lower() for name in value if name.lower() != "none")
        unknown = sorted(set(names) - TRACE_EXPORTERS)
        if unknown:
            raise ValueError(
                f"unsupported exporter {', '.join(unknown)}: use otlp, console or none"
            )
        return names

    @field_validator("otel_exporter_otlp_protocol", "otel_exporter_otlp_traces_protocol")
    @classmethod
    def _otlp_over_http(cls, value: str | None) -> str | None:
        if value is not None and value != OTLP_PROTOCOL:
            raise ValueError(f"only {OTLP_PROTOCOL} is installed")
        return value

    @model_validator(mode="after")
    def _sentinel_needs_master(self) -> Settings:
        if self.redis_sentinels and not self.redis_sentinel_master:
            raise ValueError("REDIS_SENTINELS needs REDIS_SENTINEL_MASTER (the master's name)")
        if self.redis_sentinel_master and not self.redis_sentinels:
            raise ValueError("REDIS_SENTINEL_MASTER needs REDIS_SENTINELS (host:port,host:port)")
        return self

    @model_validator(mode="after")
    def _production_fails_closed(self) -> Settings:
        """Production never runs on the zero-setup defaults: an in-process store would lose
        sessions and limits between processes, mail would go to the log (codes with it), SQLite
        would take the demo users with their published passwords."""
        if self.environment is not Environment.PRODUCTION:
            return self
        missing = production_gaps(self)
        if missing:
            raise ValueError("production requires " + "; ".join(missing))
        return self

    @property
    def graphiql_enabled(self) -> bool:
        if self.graphiql is not None:
            return self.graphiql
        return self.environment is not Environment.PRODUCTION

    @property
    def uses_redis(self) -> bool:
        """A real Redis (directly or behind Sentinel), not the in-process stand-in."""
        return self.redis_url is not None or bool(self.redis_sentinels)

    @property
    def is_production(self) -> bool:
        return self.environment is Environment.PRODUCTION

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def should_auto_migrate(self) -> bool:
        return self.is_sqlite if self.auto_migrate is None else self.auto_migrate

    @property
    def should_seed_demo(self) -> bool:
        return self.is_sqlite if self.seed_demo is None else self.seed_demo

    @property
    def effective_log_format(self) -> LogFormat:
        if self.log_format is not None:
            return self.log_format
        production = self.environment is Environment.PRODUCTION
        return LogFormat.JSON if production else LogFormat.TEXT

    @property
    def trace_exporters(self) -> tuple[str, ...]:
        """The span exporters to run; empty when tracing is off (the default)."""
        if self.otel_sdk_disabled:
            return ()
        if "otel_traces_exporter" in self.model_fields_set:
            return self.otel_traces_exporter  # "none" was dropped by the validator
        endpoint = self.otel_exporter_otlp_traces_endpoint or self.otel_exporter_otlp_endpoint
        return ("otlp",) if endpoint else ()


# At least 32 bytes' worth of randomness: 43 characters of URL-safe base64 (`secrets.token_urlsafe`).
MIN_SECRET_LENGTH = 43
# Fewer distinct characters than this is a word or a pattern, whatever its length.
MIN_SECRET_DISTINCT = 10


def production_gaps(settings: Settings) -> list[str]:
    """What a production configuration lacks, each said as the variable to set."""
    gaps = []
    if not settings.database_url.startswith("postgresql+asyncpg://"):
        gaps.append("DATABASE_URL naming PostgreSQL (postgresql+asyncpg://…)")
    if not settings.uses_redis:
        gaps.append("REDIS_URL (or REDIS_SENTINELS)")
    if settings.smtp_host is None:
        gaps.append("SMTP_HOST")
    secret = settings.secret_key
    if (
        secret == DEVELOPMENT_SECRET
        or len(secret) < MIN_SECRET_LENGTH
        or len(set(secret)) < MIN_SECRET_DISTINCT
    ):
        gaps.append(
            "SECRET_KEY of at least 32 random bytes "
            '(python -c "import secrets; print(secrets.token_urlsafe(32))")'
        )
    if settings.metrics_enabled and not settings.metrics_token:
        gaps.append("METRICS_TOKEN (or METRICS_ENABLED=false): /metrics must not be public")
    if settings.seed_demo:
        gaps.append("SEED_DEMO off (demo users have published passwords)")
    return gaps


def describe_validation_error(error: ValidationError) -> str:
    """One line naming each wrong variable, as an operator reads it in a crash loop."""
    parts = []
    for item in error.errors():
        name = "_".join(str(loc) for loc in item["loc"]).upper() or "SETTINGS"
        parts.append(f"{name}: {item['msg']}")
    return "configuration error: " + "; ".join(parts)


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as error:
        print(describe_validation_error(error), file=sys.stderr)
        raise SystemExit(2) from None
