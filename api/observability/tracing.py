"""OpenTelemetry tracing, off by default.

It is on when `OTEL_TRACES_EXPORTER` names an exporter (`otlp`, `console`) or an OTLP endpoint
is set (`OTEL_EXPORTER_OTLP_ENDPOINT`, `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`); `OTEL_SDK_DISABLED=true`
turns it off again. Everything else is the SDK's own standard variables: `OTEL_SERVICE_NAME`
(default here `ecuapass-api`), `OTEL_RESOURCE_ATTRIBUTES`, `OTEL_EXPORTER_OTLP_HEADERS`,
`OTEL_TRACES_SAMPLER`, `OTEL_BSP_*`. W3C `traceparent` from the caller is honoured.

What a span carries: the HTTP method, route and status; the GraphQL operation type, its root
field and outcome. Never the query text, the variables or resolver arguments (Strawberry's own
OpenTelemetryExtension records those, passwords included, so it is not used), and no span per
resolver: when tracing is off, nothing of this runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from api.settings import Settings

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.trace import Tracer

DEFAULT_SERVICE_NAME: Final = "ecuapass-api"
INSTRUMENTATION_NAME: Final = "api"


@dataclass
class Tracing:
    provider: TracerProvider
    tracer: Tracer

    def shutdown(self) -> None:
        """Flush the spans still queued (at the end of the lifespan)."""
        self.provider.shutdown()


@dataclass
class _State:
    tracer: Tracer | None = None


_state: Final = _State()


def current_tracer() -> Tracer | None:
    """The tracer of this process, or None when tracing is off."""
    return _state.tracer


def configure_tracing(settings: Settings) -> Tracing | None:
    """Start the span exporters `settings` asks for; None (and no SDK loaded) when it asks for
    none."""
    exporters = settings.trace_exporters
    if not exporters:
        _state.tracer = None
        return None
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import SERVICE_NAME, Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import (
        BatchSpanProcessor,
        ConsoleSpanExporter,
        SpanExporter,
    )

    resource = Resource.create()
    if str(resource.attributes.get(SERVICE_NAME, "")).startswith("unknown_service"):
        resource = resource.merge(Resource({SERVICE_NAME: DEFAULT_SERVICE_NAME}))
    provider = TracerProvider(resource=resource)
    for name in exporters:
        # The OTLP exporter reads its endpoint, headers and timeout from the OTEL_* variables.
        exporter: SpanExporter = OTLPSpanExporter() if name == "otlp" else ConsoleSpanExporter()
        provider.add_span_processor(BatchSpanProcessor(exporter))
    tracer = provider.get_tracer(INSTRUMENTATION_NAME)
    _state.tracer = tracer
    return Tracing(provider=provider, tracer=tracer)


def trace_fields() -> dict[str, str]:
    """`trace_id` and `span_id` of the current span for a log line (nothing when tracing is
    off)."""
    if _state.tracer is None:
        return {}
    from opentelemetry.trace import get_current_span

    context = get_current_span().get_span_context()
    if not context.is_valid:
        return {}
    return {"trace_id": f"{context.trace_id:032x}", "span_id": f"{context.span_id:016x}"}
