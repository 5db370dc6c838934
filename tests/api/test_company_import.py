"""`python -m api import-companies FILE` and `create-user`'s company options, run as commands."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from api.services import company_import
from api.services.company_import import import_companies
from api.services.container import Services
from tests.api.conftest import Api, Environment, count_rows, make_employee
from tests.api.test_cli import create_user_args, run_cli

# The header of the SRI's published registry (SRI_RUC_<Provincia>.csv), and rows in its layout.
HEADER = (
    "NUMERO_RUC|RAZON_SOCIAL|CODIGO_JURISDICCION|ESTADO_CONTRIBUYENTE|CLASE_CONTRIBUYENTE|"
    "FECHA_INICIO_ACTIVIDADES|FECHA_ACTUALIZACION|FECHA_SUSPENSION_DEFINITIVA|"
    "FECHA_REINICIO_ACTIVIDADES|OBLIGADO|TIPO_CONTRIBUYENTE|NUMERO_ESTABLECIMIENTO|"
    "NOMBRE_FANTASIA_COMERCIAL|ESTADO_ESTABLECIMIENTO|DESCRIPCION_PROVINCIA_EST|"
    "DESCRIPCION_CANTON_EST|DESCRIPCION_PARROQUIA_EST|CODIGO_CIIU|ACTIVIDAD_ECONOMICA|"
    "AGENTE_RETENCION|ESPECIAL"
)


def row(ruc: str, name: str, establishment: str = "1") -> str:
    return (
        f"{ruc}|{name}|PICHINCHA|ACTIVO|GEN|2011-08-24 00:00:00|2024-08-29 12:38:55|||S|SOCIEDAD|"
        f"{establishment}||ABI|PICHINCHA|QUITO|IÑAQUITO|G464100|VENTA AL POR MAYOR.|N|N"
    )


def write(tmp_path: Path, *lines: str, name: str = "SRI_RUC_Pichincha.csv") -> Path:
    path = tmp_path / name
    # As published: UTF-8 with a byte-order mark.
    path.write_text("\ufeff" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


async def companies(services: Services) -> list[tuple[Any, ...]]:
    async with services.reading() as session:
        result = await session.exec(  # type: ignore[call-overload]
            text(
                "SELECT ruc, name, legal_representative_name, legal_representative_identification,"
                " source, updated_at FROM companies ORDER BY ruc"
            )
        )
        return [tuple(r) for r in result.all()]


GOOD = [
    row("1790123456001", "IMPORTADORA ANDINA S.A."),
    row("1790123456001", "IMPORTADORA ANDINA S.A.", establishment="2"),
    row("1760001200001", '"EMPRESA PUBLICA DE COMERCIO | EP"'),
    row("1791000005001", "PROGRAMA MUNDIAL DE ALIMENTOS"),
]


async def test_importing_the_same_file_twice_changes_nothing_the_second_time(
    environment: Environment, services: Services, tmp_path: Path
) -> None:
    path = write(tmp_path, HEADER, *GOOD)
    first = run_cli(environment, "import-companies", str(path))
    assert first.returncode == 0, first.stderr
    assert (
        "4 rows: 3 companies added, 0 updated, 0 unchanged, 1 other establishment skipped"
        in first.stdout
    )
    stored = await companies(services)
    assert [(r[0], r[1], r[4]) for r in stored] == [
        ("1760001200001", "EMPRESA PUBLICA DE COMERCIO | EP", "SRI_IMPORT"),
        ("1790123456001", "IMPORTADORA ANDINA S.A.", "SRI_IMPORT"),
        ("1791000005001", "PROGRAMA MUNDIAL DE ALIMENTOS", "SRI_IMPORT"),
    ]

    second = run_cli(environment, "import-companies", str(path))
    assert second.returncode == 0, second.stderr
    assert "0 companies added, 0 updated, 3 unchanged" in second.stdout
    assert await companies(services) == stored, "not even updated_at moved"


async def test_each_refused_row_is_reported_with_its_line_and_reason_and_the_rest_imported(
    environment: Environment, services: Services, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        HEADER,
        row("1790123456001", "IMPORTADORA ANDINA S.A."),  # line 2
        row("1790123457001", "DIGITO VERIFICADOR"),  # line 3
        row("1790123456002", "NO ES EL ESTABLECIMIENTO 001"),  # line 4
        row("1760001200001", ""),  # line 5
        "1791000005001|SOLO DOS CAMPOS",  # line 6
        "",  # line 7: blank lines are no rows
        row("1790123456001", "OTRA VEZ"),  # line 8
        row("1791000005001", "PROGRAMA MUNDIAL DE ALIMENTOS"),  # line 9
    )
    result = run_cli(environment, "import-companies", str(path))
    assert result.returncode == 1, "some rows were refused"
    report = result.stdout.splitlines()
    assert report[:-1] == [
        "line 3: NUMERO_RUC: El número de identificación no es válido "
        "(dígito verificador o formato).",
        "line 4: NUMERO_RUC: El número de identificación no es válido "
        "(dígito verificador o formato).",
        "line 5: RAZON_SOCIAL: Este campo es obligatorio.",
        "line 6: row: El formato no es válido: tantos campos como la cabecera (2/21).",
        "line 8: NUMERO_RUC: Este valor ya apareció en la línea 2 del archivo.",
    ]
    assert report[-1].startswith("7 rows: 2 companies added, 0 updated, 0 unchanged")
    assert "5 refused" in report[-1]
    assert [r[0] for r in await companies(services)] == ["1790123456001", "1791000005001"]


async def test_a_ruc_repeated_in_the_file_is_refused_as_a_duplicate_of_its_first_line(
    environment: Environment, services: Services, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        HEADER,
        row("1760001200001", "EMPRESA PUBLICA DE COMERCIO EP"),  # line 2
        row("1790123456001", "IMPORTADORA ANDINA S.A."),  # line 3
        row("1790123456001", "IMPORTADORA ANDINA S.A.", establishment="2"),  # line 4: a branch
        row("1790123456001", "IMPORTADORA ANDINA DEL ECUADOR S.A."),  # line 5
    )
    result = run_cli(environment, "import-companies", str(path))
    assert result.returncode == 1, "the repeated row was refused"
    report = result.stdout.splitlines()
    assert report[:-1] == ["line 5: NUMERO_RUC: Este valor ya apareció en la línea 3 del archivo."]
    assert "no se permite" not in result.stdout
    # The first appearance is the one kept.
    assert [(r[0], r[1]) for r in await companies(services)] == [
        ("1760001200001", "EMPRESA PUBLICA DE COMERCIO EP"),
        ("1790123456001", "IMPORTADORA ANDINA S.A."),
    ]


async def test_the_import_summary_agrees_in_number_with_its_counts(
    environment: Environment, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        HEADER,
        row("1790123456001", "IMPORTADORA ANDINA S.A."),
        row("1790123456001", "IMPORTADORA ANDINA S.A.", establishment="2"),
    )
    result = run_cli(environment, "import-companies", str(path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(
        "2 rows: 1 company added, 0 updated, 0 unchanged, 1 other establishment skipped, 0 refused;"
    )
    assert "; 0 operators of updated companies notified" in result.stdout


async def test_an_import_updates_the_razon_social_and_keeps_what_the_file_does_not_carry(
    api: Api, environment: Environment, services: Services, tmp_path: Path
) -> None:
    result = run_cli(
        environment,
        *create_user_args(
            **{
                "--registration-type": "FOREIGN_TRADE_REPRESENTATIVE",
                "--identification": "1790123456001",
                "--user-id": "REPRE01",
                "--company-name": "Importadora Andina",
                "--legal-representative-name": "María Fernanda Cevallos Ortiz",
                "--legal-representative-identification": "1718463027",
            }
        ),
    )
    assert result.returncode == 0, result.stderr
    path = write(tmp_path, HEADER, row("1790123456001", "IMPORTADORA ANDINA S.A."))
    events_before = await count_rows(services, "outbox_events")
    imported = run_cli(environment, "import-companies", str(path))
    assert "0 companies added, 1 updated" in imported.stdout, imported.stdout
    assert "1 operator of updated companies notified" in imported.stdout
    assert await count_rows(services, "outbox_events") == events_before + 1
    again = run_cli(environment, "import-companies", str(path))
    assert "0 operators of updated companies notified" in again.stdout
    assert await count_rows(services, "outbox_events") == events_before + 1

    token = await api.login("1790123456001", "REPRE01", "Clave-Segura-2027")
    me = await api.data(
        "{ me { company { ruc name legalRepresentativeName legalRepresentativeIdentification } } }",
        token=token,
    )
    assert me["me"]["company"] == {
        "ruc": "1790123456001",
        "name": "IMPORTADORA ANDINA S.A.",
        "legalRepresentativeName": "María Fernanda Cevallos Ortiz",
        "legalRepresentativeIdentification": "1718463027",
    }


async def test_a_file_that_carries_the_legal_representative_sets_it(
    environment: Environment, services: Services, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "NUMERO_RUC,RAZON_SOCIAL,REPRESENTANTE_LEGAL,IDENTIFICACION_REPRESENTANTE_LEGAL",
        "1790123456001,IMPORTADORA ANDINA S.A.,CEVALLOS ORTIZ MARIA FERNANDA,1718463027",
        "1760001200001,EMPRESA PUBLICA,ANDRADE SALAZAR JORGE,1723951181",
        name="representantes.csv",
    )
    result = run_cli(environment, "import-companies", str(path))
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == (
        "line 3: IDENTIFICACION_REPRESENTANTE_LEGAL: El número de identificación no es válido "
        "(dígito verificador o formato)."
    )
    assert [r[:4] for r in await companies(services)] == [
        ("1790123456001", "IMPORTADORA ANDINA S.A.", "CEVALLOS ORTIZ MARIA FERNANDA", "1718463027")
    ]


async def test_a_header_without_the_needed_columns_is_refused_and_nothing_is_written(
    environment: Environment, services: Services, tmp_path: Path
) -> None:
    path = write(tmp_path, "RUC|NOMBRE", "1790123456001|IMPORTADORA ANDINA S.A.")
    result = run_cli(environment, "import-companies", str(path))
    assert result.returncode == 2
    assert "NUMERO_RUC" in result.stderr
    assert "RAZON_SOCIAL" in result.stderr
    assert await count_rows(services, "companies") == 0


async def test_a_missing_file_is_an_error_and_writes_nothing(
    environment: Environment, services: Services, tmp_path: Path
) -> None:
    result = run_cli(environment, "import-companies", str(tmp_path / "no-existe.csv"))
    assert result.returncode == 2
    assert "no-existe.csv" in result.stderr
    assert await count_rows(services, "companies") == 0


async def test_create_user_registers_an_employee_with_its_company(
    environment: Environment, services: Services
) -> None:
    result = run_cli(
        environment,
        *create_user_args(
            **{
                "--registration-type": "EMPLOYEE",
                "--identification": "1704567898",
                "--company-ruc": "1790-123456-001",
                "--company-name": "Importadora  Andina S.A.",
            }
        ),
    )
    assert result.returncode == 0, result.stderr
    stored = await companies(services)
    assert [(r[0], r[1], r[4]) for r in stored] == [
        ("1790123456001", "Importadora Andina S.A.", "REGISTRATION")
    ]
    async with services.reading() as session:
        ruc = await session.exec(  # type: ignore[call-overload]
            text("SELECT company_ruc FROM operators WHERE user_id = 'NUEVO01'")
        )
        assert ruc.scalar_one() == "1790123456001"


async def test_create_user_does_not_overwrite_the_razon_social_the_sri_registers(
    environment: Environment, services: Services, tmp_path: Path
) -> None:
    imported = run_cli(environment, "import-companies", str(write(tmp_path, HEADER, *GOOD)))
    assert imported.returncode == 0, imported.stderr
    before = await companies(services)
    result = run_cli(
        environment,
        *create_user_args(
            **{
                "--registration-type": "EMPLOYEE",
                "--identification": "1704567898",
                "--company-ruc": "1790123456001",
                "--company-name": "Importadora Andina",
            }
        ),
    )
    assert result.returncode == 0, result.stderr
    assert await companies(services) == before


async def test_create_user_refuses_a_company_for_a_general_user_and_writes_nothing(
    environment: Environment, services: Services
) -> None:
    result = run_cli(environment, *create_user_args(**{"--company-ruc": "1790123456001"}))
    assert result.returncode == 1
    assert "companyRuc" in result.stderr
    assert await count_rows(services, "operators") == 0
    assert await count_rows(services, "companies") == 0


async def test_create_user_refuses_a_bad_company_ruc(
    environment: Environment, services: Services
) -> None:
    result = run_cli(
        environment,
        *create_user_args(
            **{
                "--registration-type": "EMPLOYEE",
                "--identification": "1704567898",
                "--company-ruc": "1790123457001",
            }
        ),
    )
    assert result.returncode == 1
    assert "companyRuc" in result.stderr
    assert await count_rows(services, "operators") == 0


async def test_operators_registered_before_the_import_see_the_imported_company(
    api: Api, environment: Environment, services: Services, tmp_path: Path
) -> None:
    await make_employee(services, "1790123456001")
    path = write(tmp_path, HEADER, row("1790123456001", "IMPORTADORA ANDINA S.A."))
    assert run_cli(environment, "import-companies", str(path)).returncode == 0
    token = await api.login("1704567898", "EMPLEADO01")
    me = await api.data("{ me { company { name } } }", token=token)
    assert me["me"]["company"] == {"name": "IMPORTADORA ANDINA S.A."}


async def test_two_imports_of_one_file_at_once_store_each_company_once(
    services: Services,
) -> None:
    lines = [HEADER, *GOOD]
    reports = await asyncio.gather(
        *(import_companies(services, io.StringIO("\n".join(lines) + "\n")) for _ in range(4))
    )
    assert all(report.refused == [] for report in reports)
    # Whichever import wrote a company first, the others found it or upserted the same values.
    assert sum(report.inserted + report.updated + report.unchanged for report in reports) == 12
    assert [(r[0], r[1]) for r in await companies(services)] == [
        ("1760001200001", "EMPRESA PUBLICA DE COMERCIO | EP"),
        ("1790123456001", "IMPORTADORA ANDINA S.A."),
        ("1791000005001", "PROGRAMA MUNDIAL DE ALIMENTOS"),
    ]


async def test_a_file_longer_than_a_batch_is_written_batch_after_batch(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(company_import, "BATCH_SIZE", 2)
    batches: list[int] = []
    write_batch = company_import._write_batch

    async def counting(services: Services, batch: list[Any], report: Any) -> None:
        batches.append(len(batch))
        await write_batch(services, batch, report)

    monkeypatch.setattr(company_import, "_write_batch", counting)
    report = await import_companies(services, io.StringIO("\n".join([HEADER, *GOOD]) + "\n"))
    assert batches == [2, 1]
    assert report.inserted == 3
    assert await count_rows(services, "companies") == 3
