"""Production fails closed: it refuses the zero-setup defaults and weak secrets with one line,
keeps `/metrics` behind a token, tells no schema names through suggestions, and sends the
security headers on every answer."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.api.conftest import ROOT, Environment, Server, start_server, stop_server

STRONG_SECRET = secrets.token_urlsafe(32)
METRICS_TOKEN = secrets.token_urlsafe(24)


def production(environment: Environment, **overrides: str) -> dict[str, str]:
    required = {
        "ENVIRONMENT": "production",
        "SECRET_KEY": STRONG_SECRET,
        "METRICS_TOKEN": METRICS_TOKEN,
    }
    return environment.variables(**{**required, **overrides})


def refusal_to_start(variables: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in variables}
    for name in ("DATABASE_URL", "REDIS_URL", "SMTP_HOST", "SECRET_KEY", "METRICS_TOKEN"):
        env.pop(name, None)
    env.update({k: v for k, v in variables.items() if v != ""})
    return subprocess.run(
        [sys.executable, "-m", "api", "serve"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("missing", "named"),
    [
        ({"DATABASE_URL": ""}, "DATABASE_URL"),
        ({"DATABASE_URL": "sqlite+aiosqlite:///./x.db"}, "DATABASE_URL"),
        ({"REDIS_URL": ""}, "REDIS_URL"),
        ({"SMTP_HOST": ""}, "SMTP_HOST"),
        ({"SECRET_KEY": ""}, "SECRET_KEY"),
        ({"SECRET_KEY": "x"}, "SECRET_KEY"),
        ({"SECRET_KEY": "a" * 64}, "SECRET_KEY"),
        ({"METRICS_TOKEN": ""}, "METRICS_TOKEN"),
        ({"SEED_DEMO": "true"}, "SEED_DEMO"),
    ],
)
def test_production_refuses_to_start_without_what_it_requires(
    environment: Environment, missing: dict[str, str], named: str
) -> None:
    finished = refusal_to_start(production(environment, **missing))
    assert finished.returncode != 0
    lines = [line for line in finished.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, finished.stderr
    assert named in lines[0]
    assert "production requires" in lines[0]


@pytest.fixture(scope="module")
def production_server(
    environment: Environment, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    started = start_server(
        production(environment, HSTS_MAX_AGE_SECONDS="31536000"),
        tmp_path_factory.mktemp("production") / "api.log",
    )
    yield started
    stop_server(started)


def test_metrics_answer_only_with_the_token(production_server: Server) -> None:
    assert httpx.get(f"{production_server.url}/metrics").status_code == 401
    wrong = {"Authorization": "Bearer otro"}
    assert httpx.get(f"{production_server.url}/metrics", headers=wrong).status_code == 401
    right = {"Authorization": f"Bearer {METRICS_TOKEN}"}
    scraped = httpx.get(f"{production_server.url}/metrics", headers=right)
    assert scraped.status_code == 200
    assert "ecuapass_" in scraped.text


def test_validation_errors_suggest_no_field_names_in_production(
    production_server: Server,
) -> None:
    answer = httpx.post(
        f"{production_server.url}/graphql", json={"query": '{ operatr(userId: "X") { nam } }'}
    ).json()
    messages = [error["message"] for error in answer["errors"]]
    assert messages
    assert not any("Did you mean" in message for message in messages), messages
    assert not any("'operator'" in message for message in messages), messages


def test_every_answer_carries_the_security_headers(production_server: Server) -> None:
    for response in (
        httpx.post(f"{production_server.url}/graphql", json={"query": "{ countries { code } }"}),
        httpx.post(f"{production_server.url}/graphql", content=b"{"),
        httpx.get(f"{production_server.url}/healthz"),
        httpx.get(f"{production_server.url}/metrics"),
    ):
        headers = response.headers
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"
        assert headers["content-security-policy"].startswith("default-src 'none'")
        assert headers["strict-transport-security"] == "max-age=31536000"


def test_graphiql_page_may_load_from_this_origin_only_under_its_policy(server: Server) -> None:
    page = httpx.get(f"{server.url}/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    policy = page.headers["content-security-policy"]
    assert "script-src 'self';" in policy
    assert "style-src 'self';" in policy
    assert "connect-src 'self';" in policy
    assert "unsafe-inline" not in policy
    assert "https:" not in policy
    assert page.headers["x-content-type-options"] == "nosniff"


def test_graphiql_files_are_served_with_their_type_and_kept_for_good(server: Server) -> None:
    from api.graphiql import assets

    vendored = assets()["graphiql"]
    served = httpx.get(f"{server.url}{vendored.url}")
    assert served.status_code == 200
    assert served.headers["content-type"].startswith("text/javascript")
    assert served.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert served.content == vendored.file.read_bytes()
    ours = httpx.get(f"{server.url}{assets()['start'].url}")
    assert ours.headers["cache-control"] == "no-cache"
    # Only the files the page names: nothing else of the disk, however the path is spelt.
    for path in ("/static/graphiql/assets.json", "/static/graphiql/../graphiql.py"):
        assert httpx.get(f"{server.url}{path}").status_code == 404


def test_graphiql_and_its_files_are_off_by_default_in_production(
    production_server: Server,
) -> None:
    from api.graphiql import assets

    page = httpx.get(f"{production_server.url}/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 404
    assert not page.headers["content-type"].startswith("text/html")
    assert "GraphiQL" not in page.text
    served = httpx.get(f"{production_server.url}{assets()['graphiql'].url}")
    assert served.status_code == 404


def test_the_startup_log_says_whether_graphiql_is_served(
    environment: Environment, tmp_path: Path
) -> None:
    default = production(environment, LOG_LEVEL="info")
    turned_on = production(environment, LOG_LEVEL="info", GRAPHIQL="true")
    for variables, line in (
        (default, "(GraphiQL off: GRAPHIQL=true turns it on)"),
        (turned_on, "GraphQL and GraphiQL: http://"),
    ):
        started = start_server(variables, tmp_path / "api.log")
        stop_server(started)
        assert line in started.log(), started.log()


def test_a_secret_made_as_the_readme_says_is_strong_enough() -> None:
    from api.settings import Environment as Kind
    from api.settings import Settings, production_gaps

    settings = Settings(
        environment=Kind.DEVELOPMENT,
        database_url="postgresql+asyncpg://u@h/db",
        redis_url="redis://h:6379/0",
        smtp_host="mail",
        secret_key=secrets.token_hex(32),
        metrics_token="t",
    )
    assert production_gaps(settings) == []
