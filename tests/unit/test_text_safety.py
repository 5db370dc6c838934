"""Unsafe text (NUL, unpaired surrogates) in a JSON body: the quick look at the raw text
(`json_may_hold_unsafe_text`) never says "no" to a body whose decoded value holds any, whatever
the escapes and the encoding JSON allows."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from api.domain.text_safety import contains_unsafe_text, json_may_hold_unsafe_text

# Every code point, surrogates and NUL included (Hypothesis leaves surrogates out by default).
ANY_TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=8)
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | ANY_TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(ANY_TEXT, inner, max_size=4),
    max_leaves=12,
)


def raw_forms(value: object) -> list[str | bytes]:
    """The value as JSON text: escaped to ASCII or not, as text, UTF-8 bytes (a surrogate in
    the UTF-8 form `json.loads` accepts), UTF-16 and UTF-32."""
    forms: list[str | bytes] = []
    for ascii_only in (True, False):
        text = json.dumps(value, ensure_ascii=ascii_only)
        forms.append(text)
        forms.append(text.encode("utf-8", "surrogatepass"))
        forms.append(text.encode("utf-16-le", "surrogatepass"))
        forms.append(text.encode("utf-32-be", "surrogatepass"))
    return forms


@given(VALUES)
def test_a_body_whose_value_holds_unsafe_text_is_never_passed_by_the_quick_look(
    value: object,
) -> None:
    for raw in raw_forms(value):
        if contains_unsafe_text(json.loads(raw)):
            assert json_may_hold_unsafe_text(raw), raw


def test_the_quick_look_passes_plain_bodies_and_flags_every_way_to_write_unsafe_text() -> None:
    assert not json_may_hold_unsafe_text(b'{"query": "{ me { userId name } }"}')
    assert not json_may_hold_unsafe_text('{"query": "{ me { name } }", "v": "Pe\u00f1a"}')
    assert not json_may_hold_unsafe_text('{"v": "Pe\u00f1a"}'.encode())
    for unsafe in (
        b'{"v": "\\u0000"}',
        b'{"v": "\\ud800"}',
        '{"v": "\ud800"}'.encode("utf-8", "surrogatepass"),
        '{"v": "\ud800"}',
        '{"v": "\x00"}',
        '{"v": 1}'.encode("utf-16-le"),
    ):
        assert json_may_hold_unsafe_text(unsafe), unsafe
