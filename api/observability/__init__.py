"""What the service tells its operators: structured logs with a request id, Prometheus metrics
and (when configured) OpenTelemetry traces. README "Operating it" describes each.
"""
