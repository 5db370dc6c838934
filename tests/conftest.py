"""Shared test settings. Service-backed fixtures live in tests/api/conftest.py, so the pure unit
and property tests run anywhere."""
