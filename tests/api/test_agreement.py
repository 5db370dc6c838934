"""The electronic-channels agreement: signed with the user's certificate after each update; a
January update followed by the signature completes the yearly update."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from api.domain.lifecycle import agreement_digest
from api.domain.vocabulary import RegistrationTypeCode, Role
from api.services.container import Services
from tests.api.conftest import (
    Api,
    Environment,
    Server,
    SmtpSink,
    count_rows,
    make_operator,
    start_server,
    stop_server,
)
from tests.api.test_modify import MODIFY, code_from, form
from tests.support.pki import make_ca

AGREEMENT = "{ electronicChannelsAgreement { version text sha256 publishedAt } }"
SIGN = """mutation($v: String!, $s: String!, $c: String!) {
  signAgreement(version: $v, signature: $s, certificate: $c) {
    alreadySigned message errors { field code }
    operator { agreementPending annualUpdate { status completedAt } }
  }
}"""
CEDULA = "0912345675"  # the demo user's RUC is this cédula + 001


async def current(api: Api) -> dict[str, str]:
    agreement: dict[str, str] = (await api.data(AGREEMENT))["electronicChannelsAgreement"]
    return agreement


async def test_the_agreement_is_served_with_the_digest_of_its_exact_text(api: Api) -> None:
    agreement = await current(api)
    assert agreement["version"] == "2026-01"
    assert agreement["text"].startswith("CONVENIO PARA LA UTILIZACIÓN DE CANALES ELECTRÓNICOS")
    assert agreement["sha256"] == agreement_digest(agreement["text"])


async def test_the_agreement_the_migrations_publish_says_it_is_a_placeholder(api: Api) -> None:
    text = (await current(api))["text"]
    [_, version, mark, *_] = text.split("\n\n")
    assert version == "Versión 2026-01"
    assert mark.startswith("TEXTO PROVISIONAL. Este texto no es el convenio oficial del SENAE")
    assert "publishAgreement" in mark


async def test_a_valid_signature_clears_the_pending_agreement_and_is_kept_as_evidence(
    api: Api, services: Services, environment: Environment
) -> None:
    await make_operator(services)
    token = await api.login("0912345675001", "USUARIO01")
    assert (await api.data("{ me { agreementPending } }", token=token))["me"][
        "agreementPending"
    ] is True
    agreement = await current(api)
    signer = environment.ca.issue(serial_number=CEDULA, common_name="ANA LUCIA GONZALEZ VERA")
    variables = {
        "v": agreement["version"],
        "s": signer.sign(agreement["text"]),
        "c": signer.certificate_pem,
    }
    result = (await api.data(SIGN, variables, token=token))["signAgreement"]
    assert result["errors"] == []
    assert result["alreadySigned"] is False
    assert result["operator"]["agreementPending"] is False
    assert await count_rows(services, "agreement_signatures") == 1
    again = (await api.data(SIGN, variables, token=token))["signAgreement"]
    assert again["errors"] == []
    assert again["alreadySigned"] is True
    assert await count_rows(services, "agreement_signatures") == 1


@pytest.mark.parametrize(
    "case",
    [
        "tampered-text",
        "untrusted-ca",
        "expired",
        "not-for-signing",
        "another-person",
        "unknown-version",
    ],
)
async def test_each_bad_signature_is_refused_with_its_own_code(
    api: Api, services: Services, environment: Environment, case: str
) -> None:
    await make_operator(services)
    token = await api.login("0912345675001", "USUARIO01")
    agreement = await current(api)
    text, version, ca = agreement["text"], agreement["version"], environment.ca
    signer = ca.issue(serial_number=CEDULA, common_name="ANA")
    expected = {
        "tampered-text": ("signature", "BAD_SIGNATURE"),
        "untrusted-ca": ("certificate", "UNTRUSTED_CERTIFICATE"),
        "expired": ("certificate", "CERTIFICATE_EXPIRED"),
        "not-for-signing": ("certificate", "CERTIFICATE_NOT_FOR_SIGNING"),
        "another-person": ("certificate", "SIGNER_MISMATCH"),
        "unknown-version": ("version", "UNKNOWN_VERSION"),
    }[case]
    if case == "tampered-text":
        text = text.replace("PRIMERA", "PRIMERO")
    elif case == "untrusted-ca":
        signer = make_ca("Otra CA").issue(serial_number=CEDULA, common_name="ANA")
    elif case == "expired":
        signer = ca.issue(
            serial_number=CEDULA,
            common_name="ANA",
            not_before=datetime(2020, 1, 1, tzinfo=UTC),
            not_after=datetime(2021, 1, 1, tzinfo=UTC),
        )
    elif case == "not-for-signing":
        signer = ca.issue(
            serial_number=CEDULA,
            common_name="ANA",
            key_usage_digital_signature=False,
            key_usage_non_repudiation=False,
        )
    elif case == "another-person":
        signer = ca.issue(serial_number="1704567898", common_name="OTRA PERSONA")
    elif case == "unknown-version":
        version = "1999-01"
    variables = {"v": version, "s": signer.sign(text), "c": signer.certificate_pem}
    result = (await api.data(SIGN, variables, token=token))["signAgreement"]
    assert [(e["field"], e["code"]) for e in result["errors"]] == [expected]
    assert result["operator"] is None
    assert await count_rows(services, "agreement_signatures") == 0


async def test_a_new_version_makes_every_agreement_pending_again(
    api: Api, services: Services, environment: Environment
) -> None:
    await make_operator(services)
    await make_operator(
        services,
        user_id="SENAE.STAFF",
        identification="1704567898",
        email="s@aduana.example",
        role=Role.STAFF,
    )
    token = await api.login("0912345675001", "USUARIO01")
    staff = await api.login("1704567898", "SENAE.STAFF")
    agreement = await current(api)
    signer = environment.ca.issue(serial_number=CEDULA, common_name="ANA")
    await api.data(
        SIGN,
        {
            "v": agreement["version"],
            "s": signer.sign(agreement["text"]),
            "c": signer.certificate_pem,
        },
        token=token,
    )
    publish = "mutation($t: String!) { publishAgreement(text: $t) { agreement { version sha256 } message errors { code } } }"
    refused = (await api.data(publish, {"t": "Otro texto"}, token=token))["publishAgreement"]
    assert refused["errors"] == [{"code": "FORBIDDEN"}]
    new_text = "CONVENIO PARA LA UTILIZACIÓN DE CANALES ELECTRÓNICOS, versión nueva.\n" * 4
    published = (await api.data(publish, {"t": new_text}, token=staff))["publishAgreement"]
    assert published["errors"] == []
    new_version = published["agreement"]["version"]
    assert new_version != agreement["version"]
    assert (await current(api))["version"] == new_version
    assert (await api.data("{ me { agreementPending } }", token=token))["me"][
        "agreementPending"
    ] is True


@pytest.fixture
def january_server(environment: Environment, tmp_path: Path) -> Iterator[Server]:
    server = start_server(
        environment.variables(CLOCK_FIXED="2027-01-12T10:00:00-05:00"), tmp_path / "api.log"
    )
    yield server
    stop_server(server)


async def test_a_january_update_followed_by_the_signature_completes_the_yearly_update(
    services: Services, environment: Environment, january_server: Server, smtp: SmtpSink
) -> None:
    # A foreign trade representative: the OCE the resolution obliges (README "The yearly update").
    await make_operator(
        services, registration_type=RegistrationTypeCode.FOREIGN_TRADE_REPRESENTATIVE
    )

    async with httpx.AsyncClient(base_url=january_server.url, timeout=30) as client:
        api = Api(client)
        token = await api.login("0912345675001", "USUARIO01")
        status = await api.data("{ me { annualUpdate { status } agreementPending } }", token=token)
        assert status["me"] == {"annualUpdate": {"status": "DUE"}, "agreementPending": True}
        sent = await api.data(
            'mutation { requestSecurityCode(email: "ana.gonzalez@correo.example") { errors { code } } }',
            token=token,
        )
        assert sent["requestSecurityCode"]["errors"] == []
        code = code_from(smtp.to("ana.gonzalez@correo.example")[-1])
        modified = await api.data(MODIFY, {"input": form(securityCode=code)}, token=token)
        assert modified["modify"]["errors"] == []
        still_due = await api.data(
            "{ me { annualUpdate { status } agreementPending } }", token=token
        )
        assert still_due["me"] == {"annualUpdate": {"status": "DUE"}, "agreementPending": True}
        agreement = await current(api)
        signer = environment.ca.issue(serial_number=CEDULA, common_name="ANA")
        signed = (
            await api.data(
                SIGN,
                {
                    "v": agreement["version"],
                    "s": signer.sign(agreement["text"]),
                    "c": signer.certificate_pem,
                },
                token=token,
            )
        )["signAgreement"]
        assert signed["errors"] == []
        assert signed["operator"]["agreementPending"] is False
        assert signed["operator"]["annualUpdate"]["status"] == "UP_TO_DATE"
        assert signed["operator"]["annualUpdate"]["completedAt"].startswith("2027-01-12")
