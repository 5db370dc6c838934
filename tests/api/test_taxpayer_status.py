"""ESTADO_CONTRIBUYENTE of the SRI's RUC registry: imported with `python -m api import-companies`,
served as `Company.taxpayerStatus`, and a company whose RUC is not ACTIVO does not sign the
agreement."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import text

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
    STAFF_IDENTIFICATION,
    STAFF_USER_ID,
    Api,
    Environment,
    count_rows,
    make_employee,
    make_staff,
)
from tests.api.test_agreement_signers import (
    COMPANY_RUC,
    REPRESENTATIVE,
    USER_ID,
    _company,
    _sign,
)
from tests.api.test_cli import run_cli
from tests.api.test_company_import import HEADER, write
from tests.support.pki import LEGAL_REPRESENTATIVE_POLICY, NATURAL_PERSON_POLICY, Holder

PUBLIC_ENTITY_RUC = "1760001200001"
ORGANIZATION_RUC = "1791000005001"
ME = "{ me { company { ruc name taxpayerStatus } } }"


def row(ruc: str, name: str, status: str) -> str:
    """A row of the SRI's published registry, with the taxpayer's state in its own column."""
    return (
        f"{ruc}|{name}|PICHINCHA|{status}|GEN|2011-08-24 00:00:00|2024-08-29 12:38:55|||S|"
        f"SOCIEDAD|1||ABI|PICHINCHA|QUITO|IÑAQUITO|G464100|VENTA AL POR MAYOR.|N|N"
    )


async def stored_states(services: Services) -> dict[str, Any]:
    async with services.reading() as session:
        result = await session.exec(  # type: ignore[call-overload]
            text("SELECT ruc, taxpayer_status FROM companies ORDER BY ruc")
        )
        return dict(result.all())


async def _representative(
    services: Services, *, ruc: str, user_id: str, registration_type: RegistrationTypeCode
) -> None:
    new = NewOperator(
        registration_type=registration_type,
        identification=ruc,
        user_id=user_id,
        name="María Fernanda Cevallos Ortiz",
        email=f"{user_id.lower()}@empresa.example",
        password=PASSWORD,
    )
    await create_operator(services, Registration(new, GENERAL_USER_CONTACT), actor=SYSTEM)


async def test_an_import_stores_each_taxpayer_state_and_counts_the_inactive_companies(
    environment: Environment, services: Services, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        HEADER,
        row(COMPANY_RUC, "IMPORTADORA ANDINA S.A.", "ACTIVO"),
        row(PUBLIC_ENTITY_RUC, "EMPRESA PUBLICA DE COMERCIO EP", "SUSPENDIDO"),
        row(ORGANIZATION_RUC, "PROGRAMA MUNDIAL DE ALIMENTOS", "PASIVO"),
    )
    result = run_cli(environment, "import-companies", str(path))
    assert result.returncode == 0, result.stderr
    assert "3 rows: 3 companies added" in result.stdout
    assert "0 refused; 1 suspended and 1 passive in the SRI's registry" in result.stdout
    assert await stored_states(services) == {
        COMPANY_RUC: "ACTIVE",
        PUBLIC_ENTITY_RUC: "SUSPENDED",
        ORGANIZATION_RUC: "PASSIVE",
    }


async def test_a_state_the_registry_does_not_have_refuses_the_row_and_names_its_column(
    environment: Environment, services: Services, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        HEADER,
        row(COMPANY_RUC, "IMPORTADORA ANDINA S.A.", "ACTIVO"),
        row(PUBLIC_ENTITY_RUC, "EMPRESA PUBLICA DE COMERCIO EP", "CANCELADO"),
    )
    result = run_cli(environment, "import-companies", str(path))
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == (
        "line 3: ESTADO_CONTRIBUYENTE: "
        + error_message(FieldError("ESTADO_CONTRIBUYENTE", ErrorCode.INVALID_CHOICE))
    )
    assert await stored_states(services) == {COMPANY_RUC: "ACTIVE"}


async def test_each_operator_reads_its_companys_taxpayer_state_through_the_api(
    api: Api, environment: Environment, services: Services, tmp_path: Path
) -> None:
    operators = [
        (COMPANY_RUC, "REPRE01", RegistrationTypeCode.FOREIGN_TRADE_REPRESENTATIVE),
        (PUBLIC_ENTITY_RUC, "ENTIDAD01", RegistrationTypeCode.PUBLIC_ENTITY_REPRESENTATIVE),
        (ORGANIZATION_RUC, "REPRE02", RegistrationTypeCode.FOREIGN_TRADE_REPRESENTATIVE),
    ]
    for ruc, user_id, registration_type in operators:
        await _representative(
            services, ruc=ruc, user_id=user_id, registration_type=registration_type
        )
    token = await api.login(COMPANY_RUC, "REPRE01")
    before = await api.data(ME, token=token)
    assert before["me"]["company"]["taxpayerStatus"] is None, "unknown until an import says it"

    path = write(
        tmp_path,
        HEADER,
        row(COMPANY_RUC, "IMPORTADORA ANDINA S.A.", "ACTIVO"),
        row(PUBLIC_ENTITY_RUC, "EMPRESA PUBLICA DE COMERCIO EP", "SUSPENDIDO"),
        row(ORGANIZATION_RUC, "COMERCIAL QUITO CIA. LTDA.", "PASIVO"),
    )
    assert run_cli(environment, "import-companies", str(path)).returncode == 0
    seen: dict[str, str | None] = {}
    for ruc, user_id, _ in operators:
        me = await api.data(ME, token=await api.login(ruc, user_id))
        seen[me["me"]["company"]["ruc"]] = me["me"]["company"]["taxpayerStatus"]
    assert seen == {
        COMPANY_RUC: "ACTIVE",
        PUBLIC_ENTITY_RUC: "SUSPENDED",
        ORGANIZATION_RUC: "PASSIVE",
    }
    await make_staff(services)
    staff_view = await api.data(
        '{ operator(userId: "ENTIDAD01") { company { taxpayerStatus } } }',
        token=await api.login(STAFF_IDENTIFICATION, STAFF_USER_ID),
    )
    assert staff_view["operator"]["company"]["taxpayerStatus"] == "SUSPENDED"


async def test_reimporting_a_changed_state_updates_it_and_the_same_file_again_changes_nothing(
    api: Api, environment: Environment, services: Services, tmp_path: Path
) -> None:
    await make_employee(services, COMPANY_RUC)
    active = write(tmp_path, HEADER, row(COMPANY_RUC, "IMPORTADORA ANDINA S.A.", "ACTIVO"))
    assert run_cli(environment, "import-companies", str(active)).returncode == 0
    events_before = await count_rows(services, "outbox_events")

    suspended = write(
        tmp_path,
        HEADER,
        row(COMPANY_RUC, "IMPORTADORA ANDINA S.A.", "SUSPENDIDO"),
        name="SRI_RUC_Pichincha_2.csv",
    )
    changed = run_cli(environment, "import-companies", str(suspended))
    assert "0 companies added, 1 updated, 0 unchanged" in changed.stdout, changed.stdout
    assert "1 suspended and 0 passive" in changed.stdout
    assert "1 operator of updated companies notified" in changed.stdout
    assert await stored_states(services) == {COMPANY_RUC: "SUSPENDED"}
    assert await count_rows(services, "outbox_events") == events_before + 1

    token = await api.login("1704567898", "EMPLEADO01")
    me = await api.data(ME, token=token)
    assert me["me"]["company"]["taxpayerStatus"] == "SUSPENDED"
    history = await api.data(
        """{ operatorHistory(userId: "EMPLEADO01", first: 1) {
             edges { node { operation changes { field old new } } } } }""",
        token=token,
    )
    [latest] = history["operatorHistory"]["edges"]
    assert latest["node"]["operation"] == "COMPANY_UPDATED"
    assert {"field": "taxpayerStatus", "old": "ACTIVE", "new": "SUSPENDED"} in latest["node"][
        "changes"
    ]

    again = run_cli(environment, "import-companies", str(suspended))
    assert "0 companies added, 0 updated, 1 unchanged" in again.stdout
    assert await count_rows(services, "outbox_events") == events_before + 1

    # A file without the column (the two-column layout) says nothing of the state: it stays.
    names_only = write(
        tmp_path,
        "NUMERO_RUC;RAZON_SOCIAL",
        f"{COMPANY_RUC};IMPORTADORA ANDINA S.A.",
        name="razones.csv",
    )
    kept = run_cli(environment, "import-companies", str(names_only))
    assert "0 updated, 1 unchanged" in kept.stdout, kept.stdout
    assert await stored_states(services) == {COMPANY_RUC: "SUSPENDED"}

    reactivated = write(
        tmp_path,
        HEADER,
        row(COMPANY_RUC, "IMPORTADORA ANDINA S.A.", "ACTIVO"),
        name="SRI_RUC_Pichincha_3.csv",
    )
    assert "1 updated" in run_cli(environment, "import-companies", str(reactivated)).stdout
    assert await stored_states(services) == {COMPANY_RUC: "ACTIVE"}


async def _import_state(environment: Environment, tmp_path: Path, status: str) -> None:
    path = write(
        tmp_path,
        HEADER,
        row(COMPANY_RUC, "IMPORTADORA ANDINA S.A.", status),
        name=f"SRI_RUC_{status}.csv",
    )
    assert run_cli(environment, "import-companies", str(path)).returncode == 0


async def test_a_company_whose_ruc_is_not_active_cannot_sign_and_nothing_is_written(
    api: Api, environment: Environment, services: Services, tmp_path: Path
) -> None:
    await _company(services)
    token = await api.login(COMPANY_RUC, USER_ID)
    signer = environment.ca.issue_holder(REPRESENTATIVE, kind_policy=LEGAL_REPRESENTATIVE_POLICY)
    for status, word in (("SUSPENDIDO", "SUSPENDIDO"), ("PASIVO", "PASIVO")):
        await _import_state(environment, tmp_path, status)
        audit_before = await count_rows(services, "audit_entries")
        events_before = await count_rows(services, "outbox_events")
        result = await _sign(api, token, signer)
        expected = FieldError(
            None,
            ErrorCode.RUC_NOT_ACTIVE,
            {"ruc": COMPANY_RUC, "status": word, "status_en": word},
        )
        assert result["errors"] == [
            {"field": None, "code": "RUC_NOT_ACTIVE", "message": error_message(expected)}
        ]
        assert word in result["errors"][0]["message"]
        assert result["operator"] is None
        assert await count_rows(services, "agreement_signatures") == 0
        assert await count_rows(services, "audit_entries") == audit_before
        assert await count_rows(services, "outbox_events") == events_before
        pending = await api.data("{ me { agreementPending } }", token=token)
        assert pending["me"]["agreementPending"] is True

    # Once the SRI registers it active again (and the registry is imported), it signs.
    await _import_state(environment, tmp_path, "ACTIVO")
    result = await _sign(api, token, signer)
    assert result["errors"] == []
    assert result["operator"]["agreementPending"] is False


async def test_the_refusal_reads_in_english_with_the_registrys_word(
    api: Api, environment: Environment, services: Services, tmp_path: Path
) -> None:
    await _company(services)
    await _import_state(environment, tmp_path, "SUSPENDIDO")
    token = await api.login(COMPANY_RUC, USER_ID)
    signer = environment.ca.issue_holder(REPRESENTATIVE, kind_policy=LEGAL_REPRESENTATIVE_POLICY)
    agreement = await api.data("{ electronicChannelsAgreement { version text } }")
    body = await api.data(
        """mutation($v: String!, $s: String!, $c: String!) {
             signAgreement(version: $v, signature: $s, certificate: $c) { errors { code message } }
           }""",
        {
            "v": agreement["electronicChannelsAgreement"]["version"],
            "s": signer.sign(agreement["electronicChannelsAgreement"]["text"]),
            "c": signer.certificate_pem,
        },
        token=token,
        headers={"Accept-Language": "en"},
    )
    [error] = body["signAgreement"]["errors"]
    assert error["code"] == "RUC_NOT_ACTIVE"
    assert error["message"].startswith(f"RUC {COMPANY_RUC} is SUSPENDIDO (suspended) in the SRI")


async def test_an_employee_of_a_suspended_company_still_signs_for_itself(
    api: Api, environment: Environment, services: Services, tmp_path: Path
) -> None:
    await make_employee(services, COMPANY_RUC)
    await _import_state(environment, tmp_path, "SUSPENDIDO")
    token = await api.login("1704567898", "EMPLEADO01")
    employee = Holder(cedula="1704567898", given_names="CARLOS ANDRES", first_surname="PEREZ")
    signer = environment.ca.issue_holder(employee, kind_policy=NATURAL_PERSON_POLICY)
    result = await _sign(api, token, signer)
    assert result["errors"] == []
    assert result["operator"]["agreementPending"] is False
