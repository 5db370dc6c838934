"""REDIS_SENTINELS and its companions: parsed once at start-up, a wrong value named."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from api.settings import Settings, production_gaps


def test_sentinels_are_read_as_host_and_port_pairs() -> None:
    settings = Settings(
        redis_sentinels="sentinel-0:26379, sentinel-1:26380,[::1]:26381",
        redis_sentinel_master="ecuapass",
    )
    assert settings.redis_sentinels == (
        ("sentinel-0", 26379),
        ("sentinel-1", 26380),
        ("::1", 26381),
    )
    assert settings.uses_redis


@pytest.mark.parametrize("value", ["sentinel-0", "sentinel-0:", ":26379", "s:port", "s:70000"])
def test_a_sentinel_without_a_valid_port_is_refused(value: str) -> None:
    with pytest.raises(ValidationError, match="host:port"):
        Settings(redis_sentinels=value, redis_sentinel_master="ecuapass")


def test_sentinels_need_the_master_name_and_the_name_needs_sentinels() -> None:
    with pytest.raises(ValidationError, match="REDIS_SENTINEL_MASTER"):
        Settings(redis_sentinels="sentinel-0:26379")
    with pytest.raises(ValidationError, match="REDIS_SENTINELS"):
        Settings(redis_sentinel_master="ecuapass")


def test_production_accepts_sentinels_in_place_of_redis_url() -> None:
    settings = Settings(
        redis_sentinels="sentinel-0:26379",
        redis_sentinel_master="ecuapass",
    )
    assert not any("REDIS_URL" in gap for gap in production_gaps(settings))
    assert any("REDIS_URL" in gap for gap in production_gaps(Settings()))


def test_the_shutdown_grace_is_bounded() -> None:
    assert Settings().shutdown_grace_seconds == 20
    with pytest.raises(ValidationError):
        Settings(shutdown_grace_seconds=0)
