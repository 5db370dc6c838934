"""README's Apollo and urql set-ups and its JavaScript webhook receiver are the files the suite
runs against the API (clients/setup/, run by clients/setup/setups.test.js; clients/webhooks/, by
tests/api/test_webhook_receiver_js.py): what an integrator copies is what works."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def code_block_after(text: str, heading: str) -> str:
    start = text.index(heading)
    opening = text.index("```js\n", start) + len("```js\n")
    return text[opening : text.index("```", opening)]


@pytest.mark.parametrize(
    ("heading", "file"),
    [
        ("Apollo Client (`clients/setup/apollo.js`):", "clients/setup/apollo.js"),
        ("urql (`clients/setup/urql.js`):", "clients/setup/urql.js"),
        (
            "JavaScript (`clients/webhooks/receiver.js`, run by the suite against the API):",
            "clients/webhooks/receiver.js",
        ),
    ],
)
def test_readme_shows_the_client_set_up_the_suite_runs(heading: str, file: str) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert code_block_after(readme, heading) == (ROOT / file).read_text(encoding="utf-8")
