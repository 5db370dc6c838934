"""The arguments of a connection (api/domain/cursors.py `page_request`): what is refused, with
which field, and what a page defaults to."""

from __future__ import annotations

from typing import Any

import pytest

from api.domain.cursors import DEFAULT_PAGE, MAX_PAGE, PageRequest, encode_cursor, page_request
from api.domain.errors import DomainError, ErrorCode


def refusal(**arguments: Any) -> tuple[str | None, ErrorCode]:
    asked: dict[str, Any] = {"first": None, "after": None, "last": None, "before": None}
    with pytest.raises(DomainError) as refused:
        page_request("audit", **(asked | arguments))
    error = refused.value.errors[0]
    return error.field, error.code


def test_without_first_or_last_a_page_has_the_default_size_from_the_start() -> None:
    assert page_request("audit", first=None, after=None, last=None, before=None) == PageRequest(
        size=DEFAULT_PAGE, from_end=False, after=None, before=None
    )


def test_last_reads_from_the_end_and_both_cursors_bound_the_window() -> None:
    request = page_request(
        "audit",
        first=None,
        after=encode_cursor("audit", 3),
        last=MAX_PAGE,
        before=encode_cursor("audit", 9),
    )
    assert request == PageRequest(size=MAX_PAGE, from_end=True, after=3, before=9)


def test_first_with_last_is_refused_on_last() -> None:
    assert refusal(first=2, last=2) == ("last", ErrorCode.INVALID_FORMAT)


@pytest.mark.parametrize(
    ("argument", "value"), [("first", 0), ("first", 101), ("last", 0), ("last", 101)]
)
def test_a_page_size_outside_one_to_a_hundred_is_refused_on_its_argument(
    argument: str, value: int
) -> None:
    assert refusal(**{argument: value}) == (argument, ErrorCode.INVALID_FORMAT)


@pytest.mark.parametrize("argument", ["after", "before"])
def test_a_cursor_of_another_connection_or_no_cursor_at_all_is_refused_on_its_argument(
    argument: str,
) -> None:
    for cursor in (encode_cursor("operator", 1), "no es un cursor", encode_cursor("audit", 2**31)):
        assert refusal(**{argument: cursor}) == (argument, ErrorCode.INVALID_FORMAT)
