"""SENAE-ISEE-3-2-013: an employee may use "Modificar" only with its company's permission."""

from __future__ import annotations

from api.domain.vocabulary import RegistrationTypeCode
from api.services.container import Services
from api.services.registration import ContactData
from tests.api.conftest import GENERAL_USER_CONTACT, Api, SmtpSink, make_operator

COMPANY_RUC = "1790123456001"
PERMISSION = """mutation($u: String!, $a: Boolean!) {
  setEmployeePermission(userId: $u, allowed: $a) { operator { userId employeePermission } errors { field code } }
}"""
REQUEST_CODE = (
    "mutation($e: String!) { requestSecurityCode(email: $e) { expiresAt errors { code message } } }"
)


async def company(services: Services) -> None:
    from api.domain.registration import NewOperator
    from api.persistence.operators import SYSTEM
    from api.services.registration import Registration, create_operator

    for new in (
        NewOperator(
            registration_type=RegistrationTypeCode.FOREIGN_TRADE_REPRESENTATIVE,
            identification=COMPANY_RUC,
            user_id="REPRE01",
            name="María Fernanda Cevallos Ortiz",
            email="repre@empresa.example",
            password="Clave-Segura-2027",
            company_ruc=COMPANY_RUC,
            company_name="Importadora Andina S.A.",
        ),
        NewOperator(
            registration_type=RegistrationTypeCode.EMPLOYEE,
            identification="1704567898",
            user_id="EMPLEADO01",
            name="Carlos Andrés Pérez Mora",
            email="empleado@empresa.example",
            password="Clave-Segura-2027",
            company_ruc=COMPANY_RUC,
            company_name="Importadora Andina S.A.",
        ),
    ):
        contact: ContactData = GENERAL_USER_CONTACT
        await create_operator(services, Registration(new, contact), actor=SYSTEM)


async def test_an_employee_without_permission_gets_no_security_code(
    api: Api, services: Services, smtp: SmtpSink
) -> None:
    await company(services)
    employee = await api.login(
        COMPANY_RUC, "EMPLEADO01"
    )  # employees sign in under their company's RUC
    result = (await api.data(REQUEST_CODE, {"e": "empleado@empresa.example"}, token=employee))[
        "requestSecurityCode"
    ]
    assert [error["code"] for error in result["errors"]] == ["PERMISSION_NOT_GRANTED"]
    assert smtp.messages == []


async def test_an_employee_without_permission_is_told_which_permission_and_who_grants_it(
    api: Api, services: Services
) -> None:
    await company(services)
    employee = await api.login(COMPANY_RUC, "EMPLEADO01")
    address = {"e": "empleado@empresa.example"}

    spanish = (await api.data(REQUEST_CODE, address, token=employee))["requestSecurityCode"]
    english = (
        await api.data(REQUEST_CODE, address, token=employee, headers={"Accept-Language": "en"})
    )["requestSecurityCode"]

    assert spanish["errors"] == [
        {
            "code": "PERMISSION_NOT_GRANTED",
            "message": "No está asignado el permiso al usuario para actualizar sus datos de "
            "registro. Lo asigna el representante de su empresa en «3.2.4 Administración de "
            "empleado».",
        }
    ]
    assert english["errors"] == [
        {
            "code": "PERMISSION_NOT_GRANTED",
            "message": "You have not been granted the permission to update your registration "
            "data. Your company's representative grants it under "
            '"3.2.4 Administración de empleado".',
        }
    ]


async def test_an_employee_without_permission_cannot_check_an_address_either(
    api: Api, services: Services
) -> None:
    await company(services)
    employee = await api.login(COMPANY_RUC, "EMPLEADO01")
    result = await api.data(
        """mutation { checkEmailAvailability(email: "nuevo@empresa.example") {
             available errors { field code } } }""",
        token=employee,
    )
    assert result["checkEmailAvailability"]["errors"][0]["code"] == "PERMISSION_NOT_GRANTED"
    assert result["checkEmailAvailability"]["available"] is False


async def test_the_representative_grants_and_withdraws_the_permission(
    api: Api, services: Services, smtp: SmtpSink
) -> None:
    await company(services)
    representative = await api.login(COMPANY_RUC, "REPRE01")
    granted = (await api.data(PERMISSION, {"u": "EMPLEADO01", "a": True}, token=representative))[
        "setEmployeePermission"
    ]
    assert granted == {
        "operator": {"userId": "EMPLEADO01", "employeePermission": True},
        "errors": [],
    }
    employee = await api.login("1704567898", "EMPLEADO01")
    result = (await api.data(REQUEST_CODE, {"e": "empleado@empresa.example"}, token=employee))[
        "requestSecurityCode"
    ]
    assert result["errors"] == []
    assert len(smtp.to("empleado@empresa.example")) == 1
    withdrawn = (await api.data(PERMISSION, {"u": "EMPLEADO01", "a": False}, token=representative))[
        "setEmployeePermission"
    ]
    assert withdrawn["operator"]["employeePermission"] is False


async def test_only_the_representative_of_the_same_company_may_grant(
    api: Api, services: Services
) -> None:
    await company(services)
    await make_operator(services)  # a general user
    outsider = await api.login("0912345675001", "USUARIO01")
    result = (await api.data(PERMISSION, {"u": "EMPLEADO01", "a": True}, token=outsider))[
        "setEmployeePermission"
    ]
    assert result["errors"] == [{"field": None, "code": "FORBIDDEN"}]
    employee = await api.login("1704567898", "EMPLEADO01")
    me = await api.data("{ me { employeePermission } }", token=employee)
    assert me["me"]["employeePermission"] is False
