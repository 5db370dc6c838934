"""The agreement signed with the TOKENs Ecuador's CAs really issue, through the API: a company
signs with its legal representative's or a member's certificate (either layout), or with its
registered legal representative's own; signatures in S/MIME text mode (openssl's default, the
PKCS#7 builder's) verify; who signed is kept and shown in the history; every refusal is coded, in
Spanish, and writes nothing."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.domain.errors import ErrorCode, FieldError
from api.domain.messages import error_message
from api.domain.registration import NewOperator
from api.domain.vocabulary import RegistrationTypeCode
from api.persistence.operators import SYSTEM
from api.services.container import Services
from api.services.registration import Registration, create_operator
from tests.api.conftest import (
    GENERAL_USER_CONTACT,
    PASSWORD,
    Api,
    Environment,
    Server,
    count_rows,
    make_operator,
    start_server,
    stop_server,
)
from tests.support.pki import (
    BANCO_CENTRAL_PEN,
    COMPANY_MEMBER_POLICY,
    LEGAL_REPRESENTATIVE_POLICY,
    NATURAL_PERSON_POLICY,
    SECURITY_DATA_PEN,
    Holder,
    TestSigner,
    make_ca,
)

AGREEMENT = "{ electronicChannelsAgreement { version text } }"
SIGN = """mutation($v: String!, $s: String!, $c: String!) {
  signAgreement(version: $v, signature: $s, certificate: $c) {
    alreadySigned errors { field code message }
    operator { agreementPending }
  }
}"""
HISTORY = """query($u: String!) {
  operatorHistory(userId: $u, first: 10) { edges { node { operation signer {
    identification name position companyRuc companyName certificateKind
    certificationAuthority layout capacity
  } } } }
}"""
COMPANY_RUC = "1790123456001"
OTHER_RUC = "0990017514001"
REPRESENTATIVE_CEDULA = "1718463027"
USER_ID = "IMPORTANDINA"
REPRESENTATIVE = Holder(
    cedula=REPRESENTATIVE_CEDULA,
    given_names="MARIA FERNANDA",
    first_surname="CEVALLOS",
    second_surname="ORTIZ",
    position="GERENTE GENERAL",
    company_ruc=COMPANY_RUC,
    company_name="IMPORTADORA ANDINA S.A.",
)
MEMBER = Holder(
    cedula="1710034065",
    given_names="JORGE LUIS",
    first_surname="PAREDES",
    second_surname="VEGA",
    position="JEFE DE IMPORTACIONES",
    company_ruc=COMPANY_RUC,
    company_name="IMPORTADORA ANDINA S.A.",
)
NATURAL_REPRESENTATIVE = Holder(
    cedula=REPRESENTATIVE_CEDULA,
    given_names="MARIA FERNANDA",
    first_surname="CEVALLOS",
    second_surname="ORTIZ",
)


async def _company(services: Services) -> None:
    """A Representante de Comercio Exterior registered with its company's RUC, whose legal
    representative the SRI registers."""
    new = NewOperator(
        registration_type=RegistrationTypeCode.FOREIGN_TRADE_REPRESENTATIVE,
        identification=COMPANY_RUC,
        user_id=USER_ID,
        name="María Fernanda Cevallos Ortiz",
        email="representante@importadora-andina.example",
        password=PASSWORD,
        company_ruc=COMPANY_RUC,
        company_name="Importadora Andina S.A.",
        legal_representative_name="María Fernanda Cevallos Ortiz",
        legal_representative_identification=REPRESENTATIVE_CEDULA,
    )
    await create_operator(services, Registration(new, GENERAL_USER_CONTACT), actor=SYSTEM)


async def _sign(api: Api, token: str, signer: TestSigner, signature: str | None = None) -> Any:
    agreement = (await api.data(AGREEMENT))["electronicChannelsAgreement"]
    variables = {
        "v": agreement["version"],
        "s": signature if signature is not None else signer.sign(agreement["text"]),
        "c": signer.certificate_pem,
    }
    return (await api.data(SIGN, variables, token=token))["signAgreement"]


async def _signers(api: Api, token: str) -> list[dict[str, Any]]:
    edges = (await api.data(HISTORY, {"u": USER_ID}, token=token))["operatorHistory"]["edges"]
    return [e["node"]["signer"] for e in edges if e["node"]["operation"] == "SIGN_AGREEMENT"]


@pytest.mark.parametrize(
    ("holder", "layout", "pen", "policy", "kind", "authority"),
    [
        (
            REPRESENTATIVE,
            "subject",
            SECURITY_DATA_PEN,
            LEGAL_REPRESENTATIVE_POLICY,
            "LEGAL_REPRESENTATIVE",
            "Security Data",
        ),
        (
            MEMBER,
            "subject",
            SECURITY_DATA_PEN,
            COMPANY_MEMBER_POLICY,
            "COMPANY_MEMBER",
            "Security Data",
        ),
        (MEMBER, "extensions", SECURITY_DATA_PEN, "2.10", "COMPANY_MEMBER", "Security Data"),
        (
            REPRESENTATIVE,
            "extensions",
            SECURITY_DATA_PEN,
            "2.9",
            "LEGAL_REPRESENTATIVE",
            "Security Data",
        ),
        (
            REPRESENTATIVE,
            "extensions",
            BANCO_CENTRAL_PEN,
            "2.2.1",
            "LEGAL_ENTITY",
            "Banco Central del Ecuador",
        ),
    ],
    ids=[
        "representative-subject",
        "member-subject",
        "member-extensions",
        "representative-extensions",
        "bce-legal-entity",
    ],
)
async def test_a_company_signs_with_a_company_certificate_and_the_history_shows_who_signed(
    api: Api,
    services: Services,
    environment: Environment,
    holder: Holder,
    layout: Any,
    pen: str,
    policy: str,
    kind: str,
    authority: str,
) -> None:
    await _company(services)
    token = await api.login(COMPANY_RUC, USER_ID)
    signer = environment.ca.issue_holder(holder, layout=layout, pen=pen, kind_policy=policy)
    result = await _sign(api, token, signer)
    assert result["errors"] == []
    assert result["operator"]["agreementPending"] is False
    assert await count_rows(services, "agreement_signatures") == 1
    assert await _signers(api, token) == [
        {
            "identification": holder.cedula,
            "name": holder.full_name,
            "position": holder.position,
            "companyRuc": COMPANY_RUC,
            "companyName": holder.company_name,
            "certificateKind": kind,
            "certificationAuthority": authority,
            "layout": layout.upper(),
            "capacity": "FOR_ORGANIZATION",
        }
    ]


async def test_the_registered_legal_representative_signs_for_the_company_with_its_own_token(
    api: Api, services: Services, environment: Environment
) -> None:
    await _company(services)
    token = await api.login(COMPANY_RUC, USER_ID)
    signer = environment.ca.issue_holder(NATURAL_REPRESENTATIVE, kind_policy=NATURAL_PERSON_POLICY)
    result = await _sign(api, token, signer)
    assert result["errors"] == []
    [signed_by] = await _signers(api, token)
    assert signed_by["capacity"] == "REGISTERED_LEGAL_REPRESENTATIVE"
    assert signed_by["certificateKind"] == "NATURAL_PERSON"
    assert signed_by["identification"] == REPRESENTATIVE_CEDULA
    assert signed_by["companyRuc"] is None


@pytest.mark.parametrize(
    "tool",
    [
        "openssl",
        "openssl-binary",
        "openssl-text",
        "openssl-text-attached",
        "cryptography-text-mode",
    ],
)
async def test_signatures_made_with_the_common_tools_defaults_are_accepted(
    api: Api, services: Services, environment: Environment, tool: str
) -> None:
    await _company(services)
    token = await api.login(COMPANY_RUC, USER_ID)
    signer = environment.ca.issue_holder(REPRESENTATIVE, kind_policy=LEGAL_REPRESENTATIVE_POLICY)
    text = (await api.data(AGREEMENT))["electronicChannelsAgreement"]["text"]
    signature = {
        "openssl": lambda: signer.sign_with_openssl(text),
        "openssl-binary": lambda: signer.sign_with_openssl(text, extra_arguments=("-binary",)),
        # -text puts a "Content-Type: text/plain" MIME header before the text it signs.
        "openssl-text": lambda: signer.sign_with_openssl(text, extra_arguments=("-text",)),
        "openssl-text-attached": lambda: signer.sign_with_openssl(
            text, extra_arguments=("-text", "-nodetach")
        ),
        "cryptography-text-mode": lambda: signer.sign(text, binary=False),
    }[tool]()
    result = await _sign(api, token, signer, signature)
    assert result["errors"] == []
    assert result["operator"]["agreementPending"] is False


def _refusing_signer(case: str, environment: Environment) -> TestSigner:
    ca = environment.ca
    if case == "another-company":
        other = replace(REPRESENTATIVE, company_ruc=OTHER_RUC)
        return ca.issue_holder(other, kind_policy=LEGAL_REPRESENTATIVE_POLICY)
    if case == "another-company-extensions":
        other = replace(REPRESENTATIVE, company_ruc=OTHER_RUC)
        return ca.issue_holder(other, layout="extensions", kind_policy="2.9")
    if case == "expired-extensions":
        return ca.issue_holder(
            REPRESENTATIVE,
            layout="extensions",
            kind_policy="2.9",
            not_before=datetime(2019, 1, 1, tzinfo=UTC),
            not_after=datetime(2021, 1, 1, tzinfo=UTC),
        )
    if case == "not-the-registered-representative":
        person = Holder(cedula="1710034065", given_names="JORGE LUIS", first_surname="PAREDES")
        return ca.issue_holder(person, kind_policy=NATURAL_PERSON_POLICY)
    if case == "electronic-seal":
        return ca.issue_holder(REPRESENTATIVE, kind_policy="102.2.4.1")
    if case == "expired":
        return ca.issue_holder(
            REPRESENTATIVE,
            kind_policy=LEGAL_REPRESENTATIVE_POLICY,
            not_before=datetime(2019, 1, 1, tzinfo=UTC),
            not_after=datetime(2021, 1, 1, tzinfo=UTC),
        )
    if case == "not-for-signing":
        return ca.issue_holder(
            REPRESENTATIVE,
            kind_policy=LEGAL_REPRESENTATIVE_POLICY,
            key_usage_digital_signature=False,
            key_usage_non_repudiation=False,
        )
    assert case == "untrusted-ca"
    return make_ca("AC No Acreditada").issue_holder(
        REPRESENTATIVE, kind_policy=LEGAL_REPRESENTATIVE_POLICY
    )


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("another-company", ErrorCode.SIGNER_MISMATCH),
        ("another-company-extensions", ErrorCode.SIGNER_MISMATCH),
        ("expired-extensions", ErrorCode.CERTIFICATE_EXPIRED),
        ("not-the-registered-representative", ErrorCode.SIGNER_MISMATCH),
        ("electronic-seal", ErrorCode.SIGNER_MISMATCH),
        ("expired", ErrorCode.CERTIFICATE_EXPIRED),
        ("not-for-signing", ErrorCode.CERTIFICATE_NOT_FOR_SIGNING),
        ("untrusted-ca", ErrorCode.UNTRUSTED_CERTIFICATE),
    ],
)
async def test_a_certificate_that_may_not_sign_for_the_company_is_refused_in_spanish(
    api: Api, services: Services, environment: Environment, case: str, code: ErrorCode
) -> None:
    await _company(services)
    token = await api.login(COMPANY_RUC, USER_ID)
    audit_before = await count_rows(services, "audit_entries")
    events_before = await count_rows(services, "outbox_events")
    result = await _sign(api, token, _refusing_signer(case, environment))
    assert result["errors"] == [
        {
            "field": "certificate",
            "code": code.value,
            "message": error_message(FieldError("certificate", code)),
        }
    ]
    assert result["operator"] is None
    assert await count_rows(services, "agreement_signatures") == 0
    assert await count_rows(services, "audit_entries") == audit_before
    assert await count_rows(services, "outbox_events") == events_before
    pending = await api.data("{ me { agreementPending } }", token=token)
    assert pending["me"]["agreementPending"] is True


async def test_parallel_signatures_of_one_pending_agreement_record_one_signature(
    api: Api, services: Services, environment: Environment
) -> None:
    await _company(services)
    token = await api.login(COMPANY_RUC, USER_ID)
    signers = [
        environment.ca.issue_holder(REPRESENTATIVE, kind_policy=LEGAL_REPRESENTATIVE_POLICY),
        environment.ca.issue_holder(MEMBER, kind_policy=COMPANY_MEMBER_POLICY),
        environment.ca.issue_holder(NATURAL_REPRESENTATIVE, kind_policy=NATURAL_PERSON_POLICY),
    ]
    results = await asyncio.gather(*(_sign(api, token, signer) for signer in signers))
    assert [r["errors"] for r in results] == [[], [], []]
    assert sorted(r["alreadySigned"] for r in results) == [False, True, True]
    assert await count_rows(services, "agreement_signatures") == 1
    assert len(await _signers(api, token)) == 1


@pytest.mark.parametrize(
    ("identification", "holder"),
    [
        (
            "0912345675",
            Holder(cedula="0912345675", given_names="ANA LUCIA", first_surname="GONZALEZ"),
        ),
        (
            "0912345675001",
            Holder(cedula="0912345675", given_names="ANA LUCIA", first_surname="GONZALEZ"),
        ),
        ("A1234567", Holder(cedula="A1234567", given_names="ANNA", first_surname="MUELLER")),
    ],
    ids=["cedula", "ruc-of-the-cedula", "passport"],
)
async def test_a_natural_person_signs_for_itself_with_the_document_it_registered(
    api: Api, services: Services, environment: Environment, identification: str, holder: Holder
) -> None:
    await make_operator(services, identification=identification)
    token = await api.login(identification, "USUARIO01")
    signer = environment.ca.issue_holder(holder, kind_policy=NATURAL_PERSON_POLICY)
    result = await _sign(api, token, signer)
    assert result["errors"] == []
    edges = (await api.data(HISTORY, {"u": "USUARIO01"}, token=token))["operatorHistory"]["edges"]
    [signed_by] = [e["node"]["signer"] for e in edges if e["node"]["operation"] == "SIGN_AGREEMENT"]
    assert signed_by["capacity"] == "HOLDER_ITSELF"
    assert signed_by["identification"] == holder.cedula
    # Another person's certificate signs for nobody.
    stranger = Holder(cedula="1710034065", given_names="JORGE LUIS", first_surname="PAREDES")
    await make_operator(
        services, user_id="USUARIO02", identification=identification, email="otra@correo.example"
    )
    other = await api.login(identification, "USUARIO02")
    refused = await _sign(api, other, environment.ca.issue_holder(stranger))
    assert [e["code"] for e in refused["errors"]] == ["SIGNER_MISMATCH"]


UNLISTED_PEN = "1.3.6.1.4.1.99999"


@pytest.fixture
def server_reading_an_unlisted_pen(environment: Environment, tmp_path: Path) -> Iterator[Server]:
    server = start_server(
        environment.variables(SIGNATURE_CA_PENS=UNLISTED_PEN), tmp_path / "api.log"
    )
    yield server
    stop_server(server)


async def test_a_ca_whose_pen_is_configured_names_the_holder_in_its_extensions(
    services: Services, environment: Environment, server_reading_an_unlisted_pen: Server
) -> None:
    await _company(services)
    signer = environment.ca.issue_holder(
        REPRESENTATIVE,
        layout="extensions",
        pen=UNLISTED_PEN,
        kind_policy=LEGAL_REPRESENTATIVE_POLICY,
    )
    async with httpx.AsyncClient(base_url=server_reading_an_unlisted_pen.url, timeout=30) as client:
        api = Api(client)
        token = await api.login(COMPANY_RUC, USER_ID)
        assert (await _sign(api, token, signer))["errors"] == []
        [signed_by] = await _signers(api, token)
        assert signed_by["layout"] == "EXTENSIONS"
        assert signed_by["certificateKind"] == "LEGAL_REPRESENTATIVE"
        assert signed_by["capacity"] == "FOR_ORGANIZATION"
        assert signed_by["identification"] == REPRESENTATIVE_CEDULA

        # The accredited CAs' extensions are still read beside the configured one.
        await make_operator(services, identification="0912345675")
        person = await api.login("0912345675", "USUARIO01")
        by_bce = environment.ca.issue_holder(
            Holder(cedula="0912345675", given_names="ANA LUCIA", first_surname="GONZALEZ"),
            layout="extensions",
            pen=BANCO_CENTRAL_PEN,
            kind_policy=NATURAL_PERSON_POLICY,
        )
        assert (await _sign(api, person, by_bce))["errors"] == []
