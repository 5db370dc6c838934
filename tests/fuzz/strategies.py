"""Hypothesis strategies for every input of the schema: `ModifyOperatorInput` and the scalar
arguments of every mutation and query.

Each value is mostly plausible (so that the rules behind the first check get exercised) and
otherwise hostile: NUL and other control characters, RTL marks and overrides, zero-width and
combining characters, emoji, lone surrogates (impossible in UTF-8, possible as the JSON escape
`\\ud800`, which the client sends), digits that are not ASCII, 10 kB strings, empty and
whitespace-only strings, and values of the wrong GraphQL type.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final, TypeVar

from hypothesis import strategies as st

from api.domain.cursors import encode_cursor
from api.services.annual_update import OPERATOR_CURSOR
from api.services.deregistration import REQUEST_CURSOR
from tests.api.conftest import PASSWORD
from tests.fuzz.support import OTHER, STAFF, USER

T = TypeVar("T")

TEN_KB: Final = 10 * 1024

EDGE_TEXTS: Final[tuple[str, ...]] = (
    # empty and whitespace only
    "",
    " ",
    " \t\n\r ",
    "\u00a0",
    "\u3000\u2003",
    # control characters
    "\x00",
    "Ana\x00Lucía",
    "\x01\x07\x08\x1b[31m\x7f",
    "\x85\x9f",
    "línea\nnueva",
    "\r\n",
    # direction marks, overrides, zero-width, BOM, separators
    "\u200f",
    "\u202eetneserper\u202c",
    "Ana \u200fLucía \u202aGonzález\u202c",
    "\u2066aduana\u2069",
    "\u200b\u200c\u200d",
    "\ufeff",
    "\u2028\u2029",
    # combining accents
    "Ana Luci\u0301a Gonza\u0301lez Vera",
    "e" + "\u0301" * 500,
    "\u0301",
    # emoji
    "👩‍👩‍👧‍👦",
    "🇪🇨",
    "Ana 😀 Vera",
    # lone surrogates (sent as JSON escapes)
    "\ud800",
    "\udfff",
    "a\ud800b",
    "\udc00\ud800",
    # digits and letters that are not what they look like
    "０９８７６５４３２１",
    "٠٩٨٧٦٥٤٣٢١",
    "²",
    "①②",
    "Ⅻ",
    "Ａｎａ",
    "İıſßǅ",
    "аdmin",
    # injections and format strings
    "'; DROP TABLE operators; --",
    "%s%s%n%x",
    "{0}{1}${jndi:ldap://x}",
    "<script>alert(1)</script>",
    "\\",
    '"',
    "null",
    "NaN",
    "-0",
    "1e309",
    # long: 10 kB and more
    "A" * TEN_KB,
    "ñ" * TEN_KB,
    "😀" * (TEN_KB // 4),
    " " * TEN_KB,
    ("Ana Lucía González Vera " * 430)[:TEN_KB],
)

SURROGATES: Final = st.integers(0xD800, 0xDFFF).map(chr)
CONTROLS: Final = st.sampled_from([chr(c) for c in (*range(0x20), *range(0x7F, 0xA0))])
MARKS: Final = st.sampled_from(["\u200f", "\u202e", "\u200b", "\u0301", "\ufeff", "\u2028"])
ANY_CHARACTER: Final = st.one_of(st.characters(), SURROGATES, CONTROLS, MARKS)


def edge_text() -> st.SearchStrategy[str]:
    """A hostile string: a known edge case, or random text of any code point, surrogates too."""
    return st.one_of(
        st.sampled_from(EDGE_TEXTS),
        st.text(ANY_CHARACTER, max_size=40),
    )


def decorated(valid: Sequence[str]) -> st.SearchStrategy[str]:
    """A valid value with something hostile before, after or inside it."""

    def insert(value: str, extra: str, where: int) -> str:
        position = where % (len(value) + 1)
        return value[:position] + extra + value[position:]

    short_edges = st.sampled_from([t for t in EDGE_TEXTS if len(t) < 100])
    return st.builds(insert, st.sampled_from(valid), short_edges, st.integers(0, 100))


def mostly(valid: Sequence[T], hostile: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Valid six times in ten, so that the rules past the first check get reached."""
    return st.integers(0, 9).flatmap(lambda n: st.sampled_from(valid) if n < 6 else hostile)


def text_field(valid: Sequence[str], *, nullable: bool = False) -> st.SearchStrategy[Any]:
    """A string argument: one of `valid`, or hostile text, or a valid value with hostile text in
    it (and null when the argument may be null)."""
    hostile: st.SearchStrategy[Any] = st.one_of(edge_text(), decorated(valid or ["x"]))
    if nullable:
        hostile = st.one_of(hostile, st.none())
    return mostly([*valid, *([None] if nullable else [])], hostile)


# --- Values of the wrong GraphQL type: variable coercion must refuse them cleanly ---------------

WRONG_TYPES: Final = st.sampled_from([None, 0, 1.5, True, [], {}, ["x"], {"a": 1}, 2**31, 10**30])
INT_EDGES: Final = (0, -1, 1, 2, 20, 100, 101, 2**31 - 1, -(2**31))
INTS: Final = st.one_of(
    st.sampled_from(INT_EDGES),
    st.integers(-(2**31), 2**31 - 1),
    st.sampled_from([2**31, -(2**31) - 1, 2**63, 1.5, "1", None]),
)


def ints(valid: Sequence[int | None]) -> st.SearchStrategy[Any]:
    return mostly(valid, INTS)


# --- Identifiers and cursors ----------------------------------------------------------------------

HUGE_NUMBERS: Final = (2**31, 2**63, 10**20, 10**400)
ID_EDGES: Final = (
    "0",
    "-1",
    "+1",
    " 1 ",
    "1.0",
    "1e3",
    "0x1",
    "01",
    "²",
    "١",
    "٣",
    "①",
    "１",
    "1\x00",
    *(str(n) for n in HUGE_NUMBERS),
    "9" * 5000,
)


def ids(real: Sequence[str]) -> st.SearchStrategy[Any]:
    """An `ID` argument: an existing one, a number-like oddity, hostile text, or an integer
    (GraphQL accepts both for ID)."""
    return st.one_of(
        st.sampled_from([*real, *ID_EDGES]),
        edge_text(),
        st.integers(-(2**70), 2**70),
    )


def cursors(kind: str) -> st.SearchStrategy[Any]:
    """`after`: a real-looking cursor of every size, a cursor of another kind, malformed base64."""
    numbers = st.one_of(st.sampled_from([0, 1, *HUGE_NUMBERS]), st.integers(0, 2**70))
    return st.one_of(
        st.none(),
        numbers.map(lambda n: encode_cursor(kind, n)),
        st.sampled_from(["audit", "event", "operator", "deregistration", "", "x"]).flatmap(
            lambda other: numbers.map(lambda n: encode_cursor(other, n))
        ),
        st.sampled_from(
            [
                "=",
                "====",
                "YQ",
                "_-_-",
                "/+/+",
                "gICA",  # base64 of bytes that are not UTF-8
                encode_cursor(kind, 1).rstrip("="),
                encode_cursor(kind, 1) + "=",
                encode_cursor(kind, 1).upper(),
            ]
        ),
        st.builds(lambda n: encode_cursor(kind, 1).replace("1", n), st.sampled_from(ID_EDGES)),
        edge_text(),
    )


HISTORY_CURSORS: Final = cursors("audit")  # the kind `api.services.history.entry_cursor` writes
REQUEST_CURSORS: Final = cursors(REQUEST_CURSOR)
OPERATOR_CURSORS: Final = cursors(OPERATOR_CURSOR)

# --- Plausible values of the domain ---------------------------------------------------------------

USER_IDS: Final = (USER.user_id, OTHER.user_id, STAFF.user_id, "usuario01", "NOEXISTE99")
IDENTIFICATIONS: Final = (
    USER.identification,
    OTHER.identification,
    STAFF.identification,
    "0912345675",
    "1790123456001",
    "X4821937",
)
EMAILS: Final = (
    USER.email,
    "ANA.GONZALEZ@CORREO.EXAMPLE",
    "ana.nueva@correo.example",
    "otro@correo.example",
)
HOSTILE_EMAILS: Final = (
    "ana@@correo",
    "ana@correo.example\x00",
    "ana@correo.example\u202e",
    "\u200fana@correo.example",
    "аna@correo.example",
    "ana@соrreo.example",
    "ana@xn--crreo-4ve.example",
    "ana@xn--.example",
    "ana@correo.example.",
    "ana@-correo.example",
    "ana@correo..example",
    '"ana lucía"@correo.example',
    "ana+etiqueta@correo.example",
    "ana@[127.0.0.1]",
    "ana@localhost",
    "ñandú@correo.example",
    "ana@ñandú.example",
    "ana@correo.example" + "\u0301",
    "a" * 65 + "@correo.example",
    "ana@" + "b" * 250 + ".example",
    "ana@" + ".".join(["c" * 63] * 5) + ".example",
    "a\ud800@correo.example",
    "ana@correo.\ud800",
    "@correo.example",
    "ana@",
    " ana@correo.example ",
)


def emails() -> st.SearchStrategy[Any]:
    return mostly(EMAILS, st.one_of(st.sampled_from(HOSTILE_EMAILS), edge_text()))


NEW_PASSWORD: Final = "Otra-Clave-Segura-88"
CARRIERS: Final = ("CLARO", "MOVISTAR", "CNT", "TUENTI", "OTROS")


def carriers() -> st.SearchStrategy[Any]:
    """An enum in a variable: a known value, or a string it must refuse (with the value echoed
    back in the refusal: a lone surrogate must survive that too)."""
    return mostly(CARRIERS, st.one_of(edge_text(), st.sampled_from(["claro", " CLARO", 1])))


# `ModifyOperatorInput`: a valid form, then up to three of its fields made hostile.

PLACES: Final = (
    {"countryCode": "EC", "provinceCode": "09", "cityCode": "0907"},
    {"countryCode": "EC", "provinceCode": "17", "cityCode": "1701"},
    {"countryCode": "PE"},
)
VALID_FIELDS: Final[Mapping[str, Sequence[Any]]] = {
    "name": ("Ana Lucía González Vera", "Ana Lucia Gonzales Vera", "ANA LUCÍA GONZÁLEZ VERA"),
    "address": ("Av. 9 de Octubre 100", "Calle Ñ N24-35 y Av. Colón, Edif. Ámbar"),
    "phone1": ("042456789", "022345678"),
    "phone2": (None, "042456780"),
    "fax": (None, "042456781"),
    "mobileCarrier": CARRIERS,
    "mobileNumber": ("0987654321", "0991234567"),
    "keepSameEmail": (True,),
    "expectedVersion": (None,),
}
PASSWORD_CHANGES: Final[tuple[dict[str, str], ...]] = (
    {},
    {},
    {
        "currentPassword": PASSWORD,
        "newPassword": NEW_PASSWORD,
        "newPasswordConfirmation": NEW_PASSWORD,
    },
)


def hostile(field: str) -> st.SearchStrategy[Any]:
    """What a hostile client puts in one field of the form."""
    if field == "mobileCarrier":
        return carriers()
    if field == "keepSameEmail":
        return st.one_of(st.just(False), WRONG_TYPES)
    if field == "expectedVersion":
        return INTS
    if field in ("email", "emailConfirmation"):
        return st.one_of(st.sampled_from(HOSTILE_EMAILS), st.sampled_from(EMAILS), edge_text())
    valid = [v for v in VALID_FIELDS.get(field, ()) if isinstance(v, str)]
    valid += [v for place in PLACES for k, v in place.items() if k == field]
    if field in ("currentPassword", "newPassword", "newPasswordConfirmation"):
        valid = [PASSWORD, NEW_PASSWORD]
    return st.one_of(edge_text(), decorated(valid or ["ABCD2345"]), st.none())


FORM_FIELDS: Final = (
    "name",
    "countryCode",
    "provinceCode",
    "cityCode",
    "address",
    "phone1",
    "phone2",
    "mobileCarrier",
    "mobileNumber",
    "fax",
    "keepSameEmail",
    "email",
    "emailConfirmation",
    "securityCode",
    "currentPassword",
    "newPassword",
    "newPasswordConfirmation",
    "expectedVersion",
)


def modify_forms(
    security_code: st.SearchStrategy[Any], *, keep_code: bool = False
) -> st.SearchStrategy[dict[str, Any]]:
    """A valid form (a place, a password change or none) with up to three fields made hostile:
    often none, so that accepted forms happen too. With `keep_code`, the security code is never
    touched (a wrong code counts as an attempt, by design)."""
    fields = [f for f in FORM_FIELDS if not (keep_code and f == "securityCode")]
    base = st.builds(
        lambda values, place, password, code: {
            **values,
            **place,
            **password,
            "securityCode": code,
        },
        st.fixed_dictionaries({k: st.sampled_from(v) for k, v in VALID_FIELDS.items()}),
        st.sampled_from(PLACES),
        st.sampled_from(PASSWORD_CHANGES),
        security_code,
    )

    def corrupt(form: dict[str, Any], names: list[str]) -> st.SearchStrategy[dict[str, Any]]:
        changes = st.fixed_dictionaries({name: hostile(name) for name in names})
        return changes.map(lambda changed: {**form, **changed})

    return st.tuples(base, st.lists(st.sampled_from(fields), max_size=3, unique=True)).flatmap(
        lambda drawn: corrupt(*drawn)
    )
