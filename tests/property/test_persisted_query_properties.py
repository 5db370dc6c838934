"""Properties of the persisted-query request check: any JSON a client sends as `persistedQuery`
is either refused (None) or read as one lower-case SHA-256, and never raises."""

from __future__ import annotations

import hashlib

from hypothesis import given
from hypothesis import strategies as st

from api.graphql.persisted_queries import requested_hash

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)
HEX = "0123456789abcdef"


def query_hash(query: str) -> str:
    """What a client sends: the hex SHA-256 of the query text's UTF-8 bytes."""
    return hashlib.sha256(query.encode("utf-8")).hexdigest()


@given(JSON)
def test_any_json_is_refused_or_read_as_a_lower_case_sha256(persisted: object) -> None:
    sha256 = requested_hash(persisted)
    assert sha256 is None or (len(sha256) == 64 and set(sha256) <= set(HEX))


@given(st.dictionaries(st.sampled_from(["version", "sha256Hash", "other"]), JSON, max_size=3))
def test_objects_near_the_protocol_shape_never_raise(persisted: dict[str, object]) -> None:
    requested_hash(persisted)


@given(st.text())
def test_the_hash_of_any_text_is_accepted_in_either_case(query: str) -> None:
    sha256 = query_hash(query)
    assert requested_hash({"version": 1, "sha256Hash": sha256}) == sha256
    assert requested_hash({"version": 1, "sha256Hash": sha256.upper()}) == sha256


@given(st.text(), JSON.filter(lambda version: version != 1 or isinstance(version, bool)))
def test_any_other_version_is_refused(query: str, version: object) -> None:
    assert requested_hash({"version": version, "sha256Hash": query_hash(query)}) is None
