"""Properties of the validators: every valid cédula/RUC passes, every one-digit change fails, no
input makes a validator raise anything but DomainError."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from hypothesis import assume, given
from hypothesis import strategies as st

from api.domain.emails import normalize_email
from api.domain.errors import DomainError, ErrorCode
from api.domain.forms import (
    INPUT_FIELD_NAMES,
    ModifyForm,
    registration_type_spec,
    validate_modify_form,
)
from api.domain.identification import cedula_of, normalize_identification
from api.domain.names import is_name_correction, normalize_name
from api.domain.passwords import password_errors
from api.domain.phones import fax_error, landline_error, mobile_error
from api.domain.security_codes import hash_code, normalize_code
from api.domain.vocabulary import IdentificationType, RegistrationTypeCode

# --- An independent statement of the numbering rules (SRI / Registro Civil, as stdnum reads them) --

PROVINCES = [f"{n:02d}" for n in range(1, 25)] + ["30", "50"]
PUBLIC_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2, 1)
JURIDICAL_WEIGHTS = (4, 3, 2, 7, 6, 5, 4, 3, 2, 1)


def _luhn_like(digits: str) -> int:
    """The cédula checksum: weights 2,1,2,1... with products over 9 reduced by 9."""
    total = 0
    for i, digit in enumerate(digits):
        product = (2, 1)[i % 2] * int(digit)
        total += product - 9 if product > 9 else product
    return total % 10


def _mod11(digits: str, weights: tuple[int, ...]) -> int:
    return sum(w * int(d) for w, d in zip(weights, digits, strict=False)) % 11


def _cedula_is_valid(number: str) -> bool:
    return (
        len(number) == 10
        and number.isascii()
        and number.isdigit()
        and number[:2] in PROVINCES
        and number[2] <= "6"
        and _luhn_like(number) == 0
    )


def _ruc_kinds(number: str) -> set[str]:
    """Which kinds of RUC `number` is: natural (cédula + 001), public (nine digits + 0001) or
    juridical (ten digits + 001)."""
    kinds: set[str] = set()
    if not (len(number) == 13 and number.isascii() and number.isdigit()):
        return kinds
    if number[:2] not in PROVINCES:
        return kinds
    if number[2] <= "6" and _cedula_is_valid(number[:10]) and number[10:] == "001":
        kinds.add("natural")
    if number[2] in "69" and _mod11(number[:9], PUBLIC_WEIGHTS) == 0 and number[9:] == "0001":
        kinds.add("public")
    if number[2] == "9" and _mod11(number[:10], JURIDICAL_WEIGHTS) == 0 and number[10:] == "001":
        kinds.add("juridical")
    return kinds


def _accepts(id_type: IdentificationType, number: str) -> bool:
    try:
        normalize_identification(id_type=id_type, number=number)
    except DomainError:
        return False
    return True


digit = st.sampled_from("0123456789")


@st.composite
def cedulas(draw: st.DrawFn) -> str:
    head = draw(st.sampled_from(PROVINCES)) + draw(st.sampled_from("012345"))
    body = "".join(draw(st.lists(digit, min_size=6, max_size=6)))
    nine = head + body
    check = (10 - _luhn_like(nine + "0")) % 10
    return nine + str(check)


@st.composite
def juridical_rucs(draw: st.DrawFn) -> str:
    nine = (
        draw(st.sampled_from(PROVINCES))
        + "9"
        + "".join(draw(st.lists(digit, min_size=6, max_size=6)))
    )
    check = (11 - _mod11(nine, JURIDICAL_WEIGHTS)) % 11
    assume(check < 10)  # no check digit exists for these nine digits
    return nine + str(check) + "001"


@st.composite
def public_rucs(draw: st.DrawFn) -> str:
    eight = (
        draw(st.sampled_from(PROVINCES))
        + "6"
        + "".join(draw(st.lists(digit, min_size=5, max_size=5)))
    )
    check = (11 - _mod11(eight, PUBLIC_WEIGHTS)) % 11
    assume(check < 10)
    return eight + str(check) + "0001"


natural_rucs = cedulas().map(lambda cedula: cedula + "001")
rucs = st.one_of(natural_rucs, juridical_rucs(), public_rucs())


def _one_digit_changes(number: str) -> list[str]:
    return [
        number[:i] + other + number[i + 1 :]
        for i in range(len(number))
        for other in "0123456789"
        if other != number[i]
    ]


@given(cedulas())
def test_every_valid_cedula_passes(cedula: str) -> None:
    assert normalize_identification(id_type=IdentificationType.CEDULA, number=cedula) == cedula
    assert cedula_of(cedula) == cedula


@given(cedulas())
def test_every_one_digit_change_of_a_valid_cedula_fails(cedula: str) -> None:
    for changed in _one_digit_changes(cedula):
        assert not _accepts(IdentificationType.CEDULA, changed), changed


@given(rucs)
def test_every_valid_ruc_passes(ruc: str) -> None:
    assert normalize_identification(id_type=IdentificationType.RUC, number=ruc) == ruc


@given(natural_rucs)
def test_a_natural_persons_ruc_yields_its_cedula(ruc: str) -> None:
    assert cedula_of(ruc) == ruc[:10]


@given(rucs)
def test_every_one_digit_change_of_a_valid_ruc_fails_unless_it_makes_another_kind_of_ruc(
    ruc: str,
) -> None:
    # Within a kind the check digits catch every single-digit change. Across kinds they cannot:
    # changing the third digit (or the tenth of a public RUC) can land on a valid RUC of another
    # kind, a different taxpayer; that one must then be accepted, and nothing else.
    kinds = _ruc_kinds(ruc)
    assert kinds
    for changed in _one_digit_changes(ruc):
        changed_kinds = _ruc_kinds(changed)
        assert not kinds & changed_kinds, changed
        assert _accepts(IdentificationType.RUC, changed) == bool(changed_kinds), changed


@given(st.text(alphabet="0123456789", min_size=13, max_size=13))
def test_ruc_acceptance_is_exactly_the_numbering_rules(number: str) -> None:
    assert _accepts(IdentificationType.RUC, number) == bool(_ruc_kinds(number))


@given(st.text(alphabet="0123456789", min_size=10, max_size=10))
def test_cedula_acceptance_is_exactly_the_numbering_rules(number: str) -> None:
    assert _accepts(IdentificationType.CEDULA, number) == _cedula_is_valid(number)


# --- No input makes a validator raise ------------------------------------------------------------

NASTY_CHARACTERS = [
    "\x00",
    "\x1b",
    "\x7f",
    "\u200f",
    "\u202e",
    "\u200b",
    "\ufeff",
    "\u0301",
    "\u0308",
    "\ud800",
    "\udfff",
    "@",
    ".",
    "-",
    " ",
    "\t",
    "\n",
    "ñ",
    "É",
    "ß",
    "ı",
    "ﬁ",
    "١",
    "𝟘",
    "\uff20",
    "<",
    ">",
    '"',
    "\\",
    "0",
    "9",
    "a",
    "Z",
]
nasty_text = st.text(alphabet=st.sampled_from(NASTY_CHARACTERS))
huge_text = st.builds(
    lambda chunk, times: chunk * times, st.text(min_size=1, max_size=16), st.integers(700, 1300)
)
any_text = st.one_of(st.text(), nasty_text, huge_text)


def _refusal(call: Callable[[], object]) -> DomainError | None:
    """The DomainError `call` raises, None when it returns; anything else propagates (and fails)."""
    try:
        call()
    except DomainError as error:
        return error
    return None


@given(any_text, st.sampled_from(IdentificationType))
def test_normalize_identification_raises_only_domain_error(
    value: str, id_type: IdentificationType
) -> None:
    refusal = _refusal(lambda: normalize_identification(id_type=id_type, number=value))
    if refusal is not None:
        assert [e.code for e in refusal.errors] == [ErrorCode.INVALID_IDENTIFICATION]
    cedula_of(value)


@given(st.one_of(any_text, st.emails()))
def test_normalize_email_raises_only_domain_error(value: str) -> None:
    refusal = _refusal(lambda: normalize_email(value))
    if refusal is not None:
        assert [e.code for e in refusal.errors] == [ErrorCode.INVALID_EMAIL]
        assert refusal.errors[0].params["reason"]
    else:
        normalized = normalize_email(value)
        assert normalize_email(normalized) == normalized


@given(any_text)
def test_phone_validators_never_raise(value: str) -> None:
    for rule in (landline_error, mobile_error, fax_error):
        assert rule(value) in {None, ErrorCode.TOO_LONG, ErrorCode.INVALID_FORMAT}


@given(any_text, any_text)
def test_name_validators_never_raise(current: str, proposed: str) -> None:
    is_name_correction(current=current, proposed=proposed)
    assert normalize_name(normalize_name(proposed)) == normalize_name(proposed)


@given(st.text(min_size=1).filter(lambda name: any(char.isalnum() for char in name)))
def test_a_name_is_a_correction_of_itself_in_any_case(name: str) -> None:
    assert is_name_correction(current=name, proposed=name)
    assert is_name_correction(current=name.lower(), proposed=name)


@given(any_text, any_text, any_text)
def test_password_policy_never_raises(password: str, user_id: str, identification: str) -> None:
    for error in password_errors(password=password, user_id=user_id, identification=identification):
        assert error.field == "newPassword"


@given(any_text, any_text)
def test_security_code_helpers_never_raise(code: str, address: str) -> None:
    normalize_code(code)
    hash_code(secret=b"s" * 32, user_key=code, purpose="modify", address=address, code=code)


class _AnyCatalog:
    def has_country(self, code: str) -> bool:
        return code in {"EC", "PE"}

    def has_province(self, code: str) -> bool:
        return code == "09"

    def has_city(self, code: str) -> bool:
        return code == "0901"

    def city_belongs_to_province(self, *, city_code: str, province_code: str) -> bool:
        return (city_code, province_code) == ("0901", "09")


TEXT_ATTRIBUTES = [
    attribute
    for attribute in INPUT_FIELD_NAMES
    if attribute not in {"keep_same_email", "expected_version", "mobile_carrier"}
]


@given(
    st.fixed_dictionaries({attribute: st.none() | any_text for attribute in TEXT_ATTRIBUTES}),
    any_text,
    st.booleans(),
    st.sampled_from(RegistrationTypeCode),
)
def test_validate_modify_form_never_raises(
    values: dict[str, Any], carrier: str, keep: bool, code: RegistrationTypeCode
) -> None:
    # `values` holds str | None per text field; Any because it is spread as keyword arguments.
    form = dataclasses.replace(ModifyForm(mobile_carrier=carrier, keep_same_email=keep), **values)
    clean, errors = validate_modify_form(
        spec=registration_type_spec(code),
        form=form,
        current_name="Juan Pérez",
        user_id="jperez",
        identification="1714307103001",
        catalogs=_AnyCatalog(),
        current_email="juan@mail.ec",
    )
    assert (clean is None) == bool(errors)
    fields: set[str | None] = set(INPUT_FIELD_NAMES.values())
    assert all(error.field in fields for error in errors)
