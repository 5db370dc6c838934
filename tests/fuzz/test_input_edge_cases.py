"""Hostile values in every input of the schema, sent as GraphQL variables (so that they arrive
exactly: NUL, RTL marks, combining accents, emoji, lone surrogates as JSON escapes, 10 kB strings,
blanks, values of the wrong type), and raw JSON bodies no client library would write.

Properties: never a 5xx or an unhandled error; a refusal is a `UserError` with a code, naming a
field the caller sent (or none); a refused mutation, and any query, writes no row and no Redis key;
with a valid security code, a refused form does not use the code up, not even one attempt.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

import pytest
from graphql import GraphQLInputObjectType, get_named_type
from hypothesis import currently_in_test_context, event, given
from hypothesis import strategies as st

from api.domain.cursors import encode_cursor
from api.services.annual_update import OPERATOR_CURSOR
from api.services.deregistration import REQUEST_CURSOR
from api.services.history import entry_cursor
from tests.api.conftest import PASSWORD, SmtpSink
from tests.api.test_modify import code_from
from tests.fuzz.strategies import (
    HISTORY_CURSORS,
    IDENTIFICATIONS,
    NEW_PASSWORD,
    OPERATOR_CURSORS,
    REQUEST_CURSORS,
    USER_IDS,
    WRONG_TYPES,
    edge_text,
    emails,
    ids,
    ints,
    modify_forms,
    mostly,
    text_field,
)
from tests.fuzz.support import (
    USER,
    Answer,
    Cast,
    Client,
    Identity,
    Snapshot,
    Stores,
    assert_nothing_written,
    check_answer,
    fuzz_settings,
    load_schema,
    outcome,
    user_errors,
)

GRAPHQL = load_schema()
ERRORS = "errors { field code message retryAfterSeconds }"
ArgumentStrategy = Callable[[Cast], st.SearchStrategy[dict[str, Any]]]


@dataclass(frozen=True)
class Operation:
    """One operation of the schema with its arguments as variables, and who calls it."""

    field: str
    document: str
    arguments: ArgumentStrategy
    identities: tuple[Identity, ...]

    @property
    def is_mutation(self) -> bool:
        return self.document.lstrip().startswith("mutation")

    def allowed_error_fields(self) -> frozenset[str]:
        """The names a `UserError.field` may take: the arguments and their input fields."""
        root = GRAPHQL.mutation_type if self.is_mutation else GRAPHQL.query_type
        assert root is not None
        names: set[str] = set()
        for name, argument in root.fields[self.field].args.items():
            names.add(name)
            named = get_named_type(argument.type)
            if isinstance(named, GraphQLInputObjectType):
                names.update(named.fields)
        return frozenset(names)


def arguments(**strategies: st.SearchStrategy[Any]) -> ArgumentStrategy:
    return lambda _cast: st.fixed_dictionaries(strategies)


REASONS: Final = ["Cierre de la empresa", "Cambio de actividad económica"]
USER_ONLY = (Identity.USER,)
STAFF_ONLY = (Identity.STAFF,)
SIGNED_IN = (Identity.USER, Identity.STAFF)
ANYONE = (Identity.ANONYMOUS, Identity.USER, Identity.STAFF)

OPERATIONS: Final = (
    Operation(
        "login",
        f"""mutation($identification: String!, $userId: String!, $password: String!) {{
          login(identification: $identification, userId: $userId, password: $password) {{
            token expiresInSeconds operator {{ userId }} {ERRORS}
          }}
        }}""",
        arguments(
            identification=text_field(IDENTIFICATIONS),
            userId=text_field(USER_IDS),
            password=text_field([PASSWORD, "no-es-la-clave"]),
        ),
        (Identity.ANONYMOUS,),
    ),
    Operation(
        "checkEmailAvailability",
        f"""mutation($email: String!) {{
          checkEmailAvailability(email: $email) {{ email available message {ERRORS} }}
        }}""",
        arguments(email=emails()),
        ANYONE,
    ),
    Operation(
        "requestSecurityCode",
        f"""mutation($email: String!) {{
          requestSecurityCode(email: $email) {{ expiresAt message {ERRORS} }}
        }}""",
        arguments(email=emails()),
        SIGNED_IN,
    ),
    Operation(
        "modify",
        f"""mutation($input: ModifyOperatorInput!) {{
          modify(input: $input) {{ message operator {{ userId name address version }} {ERRORS} }}
        }}""",
        lambda _cast: st.fixed_dictionaries(
            {"input": modify_forms(text_field(["ABCD2345", "abcd2345 "]))}
        ),
        SIGNED_IN,
    ),
    Operation(
        "requestDeregistration",
        f"""mutation($reason: String!) {{
          requestDeregistration(reason: $reason) {{ request {{ id reason status }} message {ERRORS} }}
        }}""",
        arguments(reason=text_field(REASONS)),
        SIGNED_IN,
    ),
    Operation(
        "approveDeregistration",
        f"""mutation($requestId: ID!) {{
          approveDeregistration(requestId: $requestId) {{ request {{ id status }} message {ERRORS} }}
        }}""",
        lambda cast: st.fixed_dictionaries({"requestId": ids(cast.request_ids)}),
        STAFF_ONLY,
    ),
    Operation(
        "rejectDeregistration",
        f"""mutation($requestId: ID!, $reason: String!) {{
          rejectDeregistration(requestId: $requestId, reason: $reason) {{
            request {{ id status decisionReason }} message {ERRORS}
          }}
        }}""",
        lambda cast: st.fixed_dictionaries(
            {"requestId": ids(cast.request_ids), "reason": text_field(REASONS)}
        ),
        STAFF_ONLY,
    ),
    Operation(
        "publishAgreement",
        f"""mutation($text: String!) {{
          publishAgreement(text: $text) {{ agreement {{ version text sha256 }} message {ERRORS} }}
        }}""",
        arguments(text=text_field(["Convenio de uso de canales electrónicos, versión de prueba."])),
        SIGNED_IN,
    ),
    Operation(
        "signAgreement",
        f"""mutation($version: String!, $signature: String!, $certificate: String!) {{
          signAgreement(version: $version, signature: $signature, certificate: $certificate) {{
            alreadySigned message {ERRORS}
          }}
        }}""",
        arguments(
            version=text_field(["2026-01", "2027-01", "9999-99"]),
            signature=text_field(["", "AAAA", "MEUCIQ==", "=" * 8, "A" * 4096]),
            certificate=text_field(
                [
                    "AAAA",
                    "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
                    "-----BEGIN CERTIFICATE-----\n" + "QUFB" * 200 + "\n-----END CERTIFICATE-----",
                ]
            ),
        ),
        USER_ONLY,
    ),
    Operation(
        "reactivateOperator",
        f"""mutation($userId: String!, $reason: String!) {{
          reactivateOperator(userId: $userId, reason: $reason) {{
            operator {{ userId status }} message {ERRORS}
          }}
        }}""",
        arguments(userId=text_field(USER_IDS), reason=text_field(REASONS)),
        STAFF_ONLY,
    ),
    Operation(
        "setEmployeePermission",
        f"""mutation($userId: String!, $allowed: Boolean!) {{
          setEmployeePermission(userId: $userId, allowed: $allowed) {{
            operator {{ userId employeePermission }} message {ERRORS}
          }}
        }}""",
        arguments(userId=text_field(USER_IDS), allowed=mostly([True, False], WRONG_TYPES)),
        STAFF_ONLY,
    ),
    Operation(
        "createPartnerKey",
        f"""mutation($name: String!, $scopes: [String!]!) {{
          createPartnerKey(name: $name, scopes: $scopes) {{
            partnerKey {{ id name scopes }} {ERRORS}
          }}
        }}""",
        arguments(
            name=text_field(["Banco del Pacífico", "Puerto de Guayaquil (CONTECON)"]),
            scopes=mostly(
                [["events:read"], ["events:read", "events:read"]],
                st.one_of(
                    st.lists(text_field(["events:read", "EVENTS:READ", " events:read "])),
                    st.just(["events:read"] * 2000),
                    WRONG_TYPES,
                ),
            ),
        ),
        STAFF_ONLY,
    ),
    Operation(
        "revokePartnerKey",
        f"""mutation($id: ID!) {{
          revokePartnerKey(id: $id) {{ partnerKey {{ id revokedAt }} {ERRORS} }}
        }}""",
        lambda cast: st.fixed_dictionaries({"id": ids(cast.partner_key_ids)}),
        STAFF_ONLY,
    ),
    Operation(
        "operator",
        """query($userId: String!) { operator(userId: $userId) { userId name email } }""",
        arguments(userId=text_field(USER_IDS)),
        ANYONE,
    ),
    Operation(
        "operatorHistory",
        """query($userId: String!, $first: Int!, $after: String) {
          operatorHistory(userId: $userId, first: $first, after: $after) {
            edges { cursor node { operation } } pageInfo { hasNextPage endCursor }
          }
        }""",
        arguments(userId=text_field(USER_IDS), first=ints([20, 1]), after=HISTORY_CURSORS),
        ANYONE,
    ),
    Operation(
        "provinces",
        """query($countryCode: String!) { provinces(countryCode: $countryCode) { code name } }""",
        arguments(countryCode=text_field(["EC", "ec", "PE", "XX"])),
        (Identity.ANONYMOUS,),
    ),
    Operation(
        "cities",
        """query($provinceCode: String!) { cities(provinceCode: $provinceCode) { code name } }""",
        arguments(provinceCode=text_field(["09", "17", "9", "99"])),
        (Identity.ANONYMOUS,),
    ),
    Operation(
        "registrationType",
        """query($code: RegistrationTypeCode!) { registrationType(code: $code) { code name } }""",
        arguments(code=mostly(["GENERAL_USER", "EMPLOYEE"], st.one_of(edge_text(), WRONG_TYPES))),
        (Identity.ANONYMOUS,),
    ),
    Operation(
        "deregistrationRequests",
        """query($status: DeregistrationStatus, $first: Int!, $after: String, $before: String) {
          deregistrationRequests(status: $status, first: $first, after: $after, before: $before) {
            edges { cursor node { id status } } pageInfo { hasNextPage endCursor }
          }
        }""",
        arguments(
            status=mostly([None, "PENDING", "APPROVED"], edge_text()),
            first=ints([20, 1]),
            after=REQUEST_CURSORS,
            before=REQUEST_CURSORS,
        ),
        SIGNED_IN,
    ),
    Operation(
        "operators",
        """query($status: AnnualUpdateStatus, $first: Int!, $after: String, $before: String) {
          operators(annualUpdateStatus: $status, first: $first, after: $after, before: $before) {
            edges { cursor node { userId } } pageInfo { hasNextPage endCursor }
          }
        }""",
        arguments(
            status=mostly([None, "DUE", "UP_TO_DATE"], edge_text()),
            first=ints([20, 1]),
            after=OPERATOR_CURSORS,
            before=OPERATOR_CURSORS,
        ),
        SIGNED_IN,
    ),
)
BY_FIELD: Final = {operation.field: operation for operation in OPERATIONS}
EXAMPLES = 40

WITHDRAW: Final = f"mutation {{ withdrawDeregistration {{ {ERRORS} }} }}"


def check_user_errors(operation: Operation, answer: Answer) -> None:
    """Every refusal names one of the fields the caller sent, or none at all."""
    allowed = operation.allowed_error_fields()
    for error in user_errors(answer):
        assert error["code"], answer.describe()
        assert error["message"], answer.describe()
        assert error["field"] is None or error["field"] in allowed, (
            f"UserError.field {error['field']!r} is not an input of {operation.field} "
            f"({sorted(allowed)})\n{answer.describe()}"
        )


def describe_outcome(answer: Answer) -> None:
    """Shown by `--hypothesis-show-statistics`: how far into the rules the examples got."""
    if not currently_in_test_context():
        return
    codes = sorted({str(error["code"]) for error in user_errors(answer)})
    errors = (answer.body or {}).get("errors") if isinstance(answer.body, dict) else None
    event(f"{outcome(answer)}: {', '.join(codes) or ('GraphQL error' if errors else 'no error')}")


@pytest.mark.parametrize("operation", OPERATIONS, ids=[operation.field for operation in OPERATIONS])
@fuzz_settings(EXAMPLES)
@given(data=st.data())
def test_hostile_arguments_get_a_coded_refusal_or_a_clean_answer_and_refusals_write_nothing(
    operation: Operation, data: st.DataObject, client: Client, stores: Stores, cast: Cast
) -> None:
    identity = data.draw(st.sampled_from(operation.identities), label="identity")
    variables = data.draw(operation.arguments(cast), label="variables")
    before = stores.snapshot()
    answer = client.send(operation.document, variables, token=cast.token(identity))

    check_answer(answer)
    check_user_errors(operation, answer)
    describe_outcome(answer)
    result = outcome(answer)
    if not operation.is_mutation or result == "refused":
        assert_nothing_written(before, stores, answer)
    if operation.field == "requestDeregistration" and result == "succeeded":
        # Withdraw it, so that the next example's reason is judged again (not just "pending").
        client.data(WITHDRAW, token=cast.token(identity))


# --- The form with a real security code -----------------------------------------------------------

REQUEST_CODE: Final = f"""mutation($email: String!) {{
  requestSecurityCode(email: $email) {{ expiresAt {ERRORS} }}
}}"""
MODIFY: Final = BY_FIELD["modify"].document
CODE_ERRORS: Final = frozenset({"CODE_INVALID", "CODE_EXPIRED", "CODE_LOCKED"})
CODE_PLACEHOLDER: Final = "<the code>"


class SecurityCode:
    """The user's current security code, read from the mail the SMTP server received."""

    def __init__(self, client: Client, smtp: SmtpSink, stores: Stores, cast: Cast) -> None:
        self.client = client
        self.smtp = smtp
        self.stores = stores
        self.cast = cast
        self.value = ""
        # Earlier tests of the module may have asked for a code within the last minute.
        stores.delete_keys("code:*")
        self.renew()

    def renew(self) -> None:
        """A new code. An accepted form used the last one up, so no wait applies; the hourly
        bound would, after ten accepted forms, so its counters (per account and per address) are reset (they are not under test)."""
        self.stores.delete_keys("rate:security-codes*")
        self.smtp.messages.clear()
        payload = self.client.data(
            REQUEST_CODE, {"email": USER.email}, token=self.cast.token(Identity.USER)
        )["requestSecurityCode"]
        assert payload["errors"] == [], payload
        self.value = code_from(self.smtp.to(USER.email)[-1])


@pytest.fixture
def security_code(client: Client, smtp: SmtpSink, stores: Stores, cast: Cast) -> SecurityCode:
    return SecurityCode(client, smtp, stores, cast)


def send_form(
    form: Mapping[str, Any], code: SecurityCode, client: Client, stores: Stores, cast: Cast
) -> Answer:
    """Send one form with the valid code. Refused: nothing written, the code untouched (not even
    an attempt counted). Accepted: the code is used up, so ask for the next one."""
    filled = {
        name: (code.value if value == CODE_PLACEHOLDER else value) for name, value in form.items()
    }
    before: Snapshot = stores.snapshot()
    code_before = stores.code_state()
    answer = client.send(MODIFY, {"input": filled}, token=cast.token(Identity.USER))
    check_answer(answer)
    check_user_errors(BY_FIELD["modify"], answer)
    describe_outcome(answer)
    if outcome(answer) == "refused":
        assert_nothing_written(before, stores, answer)
        codes = {error["code"] for error in user_errors(answer)}
        assert not codes & CODE_ERRORS, f"the valid code was refused\n{answer.describe()}"
        assert stores.code_state() == code_before, (
            f"a refused form touched the code\n{answer.describe()}"
        )
    else:
        if filled.get("newPassword") == NEW_PASSWORD:
            cast.passwords[Identity.USER] = NEW_PASSWORD
        code.renew()
    return answer


@fuzz_settings(30)
@given(form=modify_forms(st.just(CODE_PLACEHOLDER), keep_code=True))
def test_with_a_valid_code_refused_forms_write_nothing_and_leave_the_code_usable(
    form: dict[str, Any], security_code: SecurityCode, client: Client, stores: Stores, cast: Cast
) -> None:
    send_form(form, security_code, client, stores, cast)


VALID_FORM: Final[dict[str, Any]] = {
    "name": "Ana Lucía González Vera",
    "countryCode": "EC",
    "provinceCode": "09",
    "cityCode": "0907",
    "address": "Av. Joaquín Orrantia y Leopoldo Benítez, Durán",
    "phone1": "042456789",
    "mobileCarrier": "MOVISTAR",
    "mobileNumber": "0987654321",
    "keepSameEmail": True,
    "securityCode": CODE_PLACEHOLDER,
}
FORM_TEXT_FIELDS: Final = (
    "name",
    "countryCode",
    "provinceCode",
    "cityCode",
    "address",
    "phone1",
    "phone2",
    "mobileNumber",
    "fax",
    "email",
    "emailConfirmation",
    "currentPassword",
    "newPassword",
    "newPasswordConfirmation",
)
SAMPLED_EDGES: Final = (
    "",
    " \t ",
    "\x00",
    "\u200f",
    "\u202eetneserper",
    "e\u0301",
    "👩‍👩‍👧‍👦",
    "\ud800",
    "A" * 10240,
)


def test_every_field_with_each_edge_case_leaves_the_code_which_then_works(
    security_code: SecurityCode, client: Client, stores: Stores, cast: Cast
) -> None:
    for name in FORM_TEXT_FIELDS:
        for edge in SAMPLED_EDGES:
            send_form({**VALID_FORM, name: edge}, security_code, client, stores, cast)
            send_form(
                {**VALID_FORM, name: str(VALID_FORM.get(name) or "") + edge},
                security_code,
                client,
                stores,
                cast,
            )
    answer = send_form(VALID_FORM, security_code, client, stores, cast)
    assert outcome(answer) == "succeeded", answer.describe()


# --- Raw JSON bodies --------------------------------------------------------------------------------

DEREGISTER = (
    '"mutation($r: String!) { requestDeregistration(reason: $r) '
    '{ request { reason } errors { field code message } } }"'
)
HISTORY = '"query($f: Int!) { operatorHistory(userId: \\"X\\", first: $f) { edges { cursor } } }"'
RAW_BODIES: Final = {
    # lone surrogates and NUL as JSON escapes, in variables and in the query text
    "surrogate in a variable": '{"query": ' + DEREGISTER + ', "variables": {"r": "\\ud800"}}',
    "reversed surrogate pair": '{"query": '
    + DEREGISTER
    + ', "variables": {"r": "a \\udfff\\ud800 b"}}',
    "NUL in a variable": '{"query": ' + DEREGISTER + ', "variables": {"r": "\\u0000"}}',
    "RTL marks in a variable": '{"query": '
    + DEREGISTER
    + ', "variables": {"r": "\\u202e\\u200f"}}',
    "surrogate in the query text": '{"query": "{ provinces(countryCode: \\"\\ud800\\") { code } }"}',
    "surrogate escape in a GraphQL string": '{"query": "{ provinces(countryCode: \\"\\\\ud800\\") { code } }"}',
    "NUL escape in a GraphQL string": '{"query": "{ cities(provinceCode: \\"\\\\u0000\\") { code } }"}',
    "query of one surrogate": '{"query": "\\ud800"}',
    "NUL after the query": '{"query": "{ me { userId } }\\u0000"}',
    "surrogate operation name": '{"query": "query A { me { userId } }", "operationName": "\\ud800"}',
    # JSON that Python reads but the standard does not, and numbers no integer holds
    "NaN": '{"query": ' + HISTORY + ', "variables": {"f": NaN}}',
    "Infinity": '{"query": ' + HISTORY + ', "variables": {"f": Infinity}}',
    "1e999": '{"query": ' + HISTORY + ', "variables": {"f": 1e999}}',
    "integer of 5000 digits": '{"query": ' + HISTORY + ', "variables": {"f": ' + "9" * 5000 + "}}",
    "duplicate keys": '{"query": "{ countries { code } }", "query": "{ me { userId } }"}',
    # not a GraphQL request at all
    "bad escape": '{"query": ' + DEREGISTER + ', "variables": {"r": "\\uZZZZ"}}',
    "truncated": '{"query": "{ me { userId } ',
    "empty body": "",
    "null": "null",
    "a JSON string": '"{ me { userId } }"',
    "an empty batch": "[]",
    "a batch": '[{"query": "{ me { userId } }"}, {"query": "{ countries { code } }"}]',
    "query is a number": '{"query": 1}',
    "query is null": '{"query": null}',
    "variables is a string": '{"query": "{ me { userId } }", "variables": "x"}',
    "variables is a list": '{"query": "{ me { userId } }", "variables": [1]}',
    "operation name is a number": '{"query": "{ me { userId } }", "operationName": 5}',
    "two operations, none named": '{"query": "query A { me { userId } } query B { countries { code } }"}',
    "unknown persisted query": '{"query": "{ me { userId } }", "extensions": {"persistedQuery": {"version": 1, "sha256Hash": "x"}}}',
    # deep nesting: a recursive parser must not fall over
    "arrays nested 100000 deep": '{"query": "{ me { userId } }", "variables": {"x": '
    + "[" * 100_000
    + "]" * 100_000
    + "}}",
    "objects nested 50000 deep": '{"query": "{ me { userId } }", "variables": {"x": '
    + '{"a":' * 50_000
    + "1"
    + "}" * 50_000
    + "}}",
    "selections nested 5000 deep": '{"query": "' + "{ me " * 5000 + "}" * 5000 + '"}',
}


@pytest.mark.parametrize("body", RAW_BODIES.values(), ids=RAW_BODIES.keys())
def test_raw_json_bodies_get_a_clean_answer_and_write_nothing(
    body: str, client: Client, stores: Stores, cast: Cast
) -> None:
    before = stores.snapshot()
    answer = client.send_raw(body, token=cast.token(Identity.USER))
    check_answer(answer)
    if outcome(answer) != "succeeded":
        assert_nothing_written(before, stores, answer)


# --- Every failure the fuzzers have found, kept as a fixed example ----------------------------------

FOUND: Final[tuple[tuple[str, str, Identity, dict[str, Any]], ...]] = (
    (
        "anonymous availability check",
        "checkEmailAvailability",
        Identity.ANONYMOUS,
        {"email": USER.email},
    ),
    (
        "surrogate password",
        "login",
        Identity.ANONYMOUS,
        {"identification": USER.identification, "userId": USER.user_id, "password": "\ud800"},
    ),
    (
        "surrogate user ID at sign-in",
        "login",
        Identity.ANONYMOUS,
        {"identification": USER.identification, "userId": "\udfff", "password": PASSWORD},
    ),
    (
        "surrogate identification",
        "login",
        Identity.ANONYMOUS,
        {"identification": "\ud800", "userId": USER.user_id, "password": PASSWORD},
    ),
    ("surrogate agreement text", "publishAgreement", Identity.STAFF, {"text": "Convenio \ud800"}),
    (
        "surrogate user ID to reactivate",
        "reactivateOperator",
        Identity.STAFF,
        {"userId": "\ud800", "reason": "Error de registro"},
    ),
    (
        "surrogate employee user ID",
        "setEmployeePermission",
        Identity.STAFF,
        {"userId": "\ud800", "allowed": True},
    ),
    ("surrogate user ID queried", "operator", Identity.STAFF, {"userId": "\ud800"}),
    (
        "surrogate user ID in history",
        "operatorHistory",
        Identity.STAFF,
        {"userId": "\ud800", "first": 20, "after": None},
    ),
    (
        "NUL in the user ID at sign-in",
        "login",
        Identity.ANONYMOUS,
        {"identification": USER.identification, "userId": "Ana\x00Lucía", "password": PASSWORD},
    ),
    (
        "NUL user ID to reactivate",
        "reactivateOperator",
        Identity.STAFF,
        {"userId": "\x00", "reason": "Error de registro"},
    ),
    (
        "NUL employee user ID",
        "setEmployeePermission",
        Identity.STAFF,
        {"userId": "\x00", "allowed": True},
    ),
    ("NUL user ID queried", "operator", Identity.STAFF, {"userId": "\x00"}),
    (
        "NUL user ID in history",
        "operatorHistory",
        Identity.STAFF,
        {"userId": "\x00", "first": 20, "after": None},
    ),
    ("key ID in circled digits", "revokePartnerKey", Identity.STAFF, {"id": "①"}),
    (
        "request ID over 32 bits to approve",
        "approveDeregistration",
        Identity.STAFF,
        {"requestId": "2147483648"},
    ),
    (
        "request ID over 32 bits to reject",
        "rejectDeregistration",
        Identity.STAFF,
        {"requestId": "2147483648", "reason": "Datos incompletos"},
    ),
    (
        "request ID of 5000 digits",
        "approveDeregistration",
        Identity.STAFF,
        {"requestId": "9" * 5000},
    ),
    ("key ID over 32 bits", "revokePartnerKey", Identity.STAFF, {"id": "2147483648"}),
    ("key ID as an integer over 32 bits", "revokePartnerKey", Identity.STAFF, {"id": 6783993299}),
    ("key ID of 5000 digits", "revokePartnerKey", Identity.STAFF, {"id": "9" * 5000}),
    ("key ID in superscript digits", "revokePartnerKey", Identity.STAFF, {"id": "²"}),
    (
        "history cursor over 32 bits",
        "operatorHistory",
        Identity.USER,
        {"userId": USER.user_id, "first": 20, "after": entry_cursor(2**31)},
    ),
    (
        "request cursor over 32 bits",
        "deregistrationRequests",
        Identity.STAFF,
        {"status": None, "first": 20, "after": encode_cursor(REQUEST_CURSOR, 2**31)},
    ),
    (
        "operator cursor over 32 bits",
        "operators",
        Identity.STAFF,
        {"status": None, "first": 20, "after": encode_cursor(OPERATOR_CURSOR, 2**31)},
    ),
)


@pytest.mark.parametrize(
    ("operation_field", "identity", "variables"),
    [
        pytest.param(field, identity, variables, id=title)
        for title, field, identity, variables in FOUND
    ],
)
def test_inputs_the_fuzzers_found_get_a_coded_refusal_and_write_nothing(
    operation_field: str,
    identity: Identity,
    variables: dict[str, Any],
    client: Client,
    stores: Stores,
    cast: Cast,
) -> None:
    operation = BY_FIELD[operation_field]
    before = stores.snapshot()
    answer = client.send(operation.document, variables, token=cast.token(identity))
    check_answer(answer)
    check_user_errors(operation, answer)
    if not operation.is_mutation or outcome(answer) == "refused":
        assert_nothing_written(before, stores, answer)
