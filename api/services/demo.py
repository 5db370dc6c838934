"""Demo data for trying the API: one operator of each registration type and one staff member.

Idempotent: a user ID that exists already is left as it is. The README lists the credentials.
"""

from __future__ import annotations

from api.domain.registration import NewOperator
from api.domain.vocabulary import RegistrationTypeCode as T
from api.domain.vocabulary import Role
from api.persistence.operators import SYSTEM, OperatorRepository
from api.services.container import Services
from api.services.registration import ContactData, Registration, create_operator

DEMO_PASSWORD = "Ecuapass-Demo-2027"  # noqa: S105 - published in the README on purpose

_GUAYAQUIL = ContactData(
    country_code="EC",
    province_code="09",
    city_code="0901",
    address="Av. 9 de Octubre 100 y Malecón Simón Bolívar",
    phone1="042345678",
    mobile_carrier="CLARO",
    mobile_number="0991234567",
)
_QUITO = ContactData(
    country_code="EC",
    province_code="17",
    city_code="1701",
    address="Av. Amazonas N24-03 y Colón",
    phone1="022345678",
    mobile_carrier="MOVISTAR",
    mobile_number="0987654321",
)

DEMO_USERS: tuple[Registration, ...] = (
    Registration(
        NewOperator(
            registration_type=T.FOREIGN_TRADE_REPRESENTATIVE,
            identification="1790123456001",
            user_id="IMPORTANDINA",
            name="María Fernanda Cevallos Ortiz",
            email="representante@importadora-andina.example",
            password=DEMO_PASSWORD,
            company_ruc="1790123456001",
            company_name="Importadora Andina S.A.",
            legal_representative_name="María Fernanda Cevallos Ortiz",
            legal_representative_identification="1718463027",
        ),
        _QUITO,
    ),
    Registration(
        NewOperator(
            registration_type=T.EMPLOYEE,
            identification="1704567898",
            user_id="EMPLEADO01",
            name="Carlos Andrés Pérez Mora",
            email="carlos.perez@importadora-andina.example",
            password=DEMO_PASSWORD,
            company_ruc="1790123456001",
            company_name="Importadora Andina S.A.",
            legal_representative_name="María Fernanda Cevallos Ortiz",
            legal_representative_identification="1718463027",
        ),
        _QUITO,
    ),
    Registration(
        NewOperator(
            registration_type=T.GENERAL_USER,
            identification="0912345675001",
            user_id="USUARIO01",
            name="Ana Lucía González Vera",
            email="ana.gonzalez@correo.example",
            password=DEMO_PASSWORD,
        ),
        _GUAYAQUIL,
    ),
    Registration(
        NewOperator(
            registration_type=T.PUBLIC_ENTITY_REPRESENTATIVE,
            identification="1760001200001",
            user_id="ENTIDAD01",
            name="Jorge Luis Andrade Salazar",
            email="comercio.exterior@entidad-publica.example",
            password=DEMO_PASSWORD,
            company_ruc="1760001200001",
            company_name="Empresa Pública de Comercio del Ecuador",
            legal_representative_name="Jorge Luis Andrade Salazar",
            legal_representative_identification="1723951180",
        ),
        _QUITO,
    ),
    Registration(
        NewOperator(
            registration_type=T.PUBLIC_ENTITY_OFFICIAL,
            identification="0109876540",
            user_id="FUNCIONARIO01",
            name="Paola Estefanía Vintimilla Crespo",
            email="paola.vintimilla@entidad-publica.example",
            password=DEMO_PASSWORD,
            company_ruc="1760001200001",
            company_name="Empresa Pública de Comercio del Ecuador",
            legal_representative_name="Jorge Luis Andrade Salazar",
            legal_representative_identification="1723951180",
        ),
        _QUITO,
    ),
    Registration(
        NewOperator(
            registration_type=T.INTERNATIONAL_ORGANIZATION,
            identification="X4821937",
            user_id="ORGINTER01",
            name="Programa Mundial de Alimentos",
            email="ecuador.office@organismo.example",
            password=DEMO_PASSWORD,
            company_ruc="1791000005001",
            company_name="Programa Mundial de Alimentos - Oficina en Ecuador",
            legal_representative_name="Giulia Rossi Bianchi",
            legal_representative_identification="YA4821937",
        ),
        ContactData(
            country_code="CH",
            address="Via Cesare Giulio Viola 68, Roma",
            phone1="022222222",
            mobile_carrier="OTROS",
            mobile_number="0999999999",
        ),
    ),
    Registration(
        NewOperator(
            registration_type=T.PERSON_WITH_DISABILITY,
            identification="1305554444",
            user_id="DISCAPACIDAD01",
            name="Luis Alberto Zambrano Mendoza",
            email="luis.zambrano@correo.example",
            password=DEMO_PASSWORD,
        ),
        ContactData(
            country_code="EC",
            province_code="13",
            city_code="1301",
            address="Calle Sucre y 10 de Agosto, Portoviejo",
            phone1="052634567",
            mobile_carrier="CNT",
            mobile_number="0961234567",
        ),
    ),
    Registration(
        NewOperator(
            registration_type=T.GENERAL_USER,
            identification="1711223345",
            user_id="SENAE.STAFF",
            name="Funcionario de Soporte SENAE",
            email="soporte.registro@aduana.example",
            password=DEMO_PASSWORD,
            role=Role.STAFF,
        ),
        _GUAYAQUIL,
    ),
)


async def seed_demo(services: Services) -> int:
    """Create the demo users that do not exist yet; returns how many were created."""
    created = 0
    for registration in DEMO_USERS:
        async with services.reading() as session:
            exists = await OperatorRepository(session).user_id_exists(registration.new.user_id)
        if not exists:
            await create_operator(services, registration, actor=SYSTEM)
            created += 1
    return created
