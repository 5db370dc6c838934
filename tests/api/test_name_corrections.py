"""Nombre usuario (SENAE-ISEE-3-2-010 §5.5.1): "Puede corregir apellidos o nombres mal escritos".
Through the API: typo fixes pass; dropping or adding names wholesale, in one update or in several
updates seconds apart, is refused against the name as originally registered."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from api.services.container import Services
from tests.api.conftest import Api, SmtpSink, make_operator
from tests.api.test_modify import MODIFY, form, request_code, stored_operator

ADDRESS = "ana.gonzalez@correo.example"


class Renamer:
    """Submits the form with another name; a refused form leaves the code usable (§3 of the
    spec), so a new one is requested only after a success used it up."""

    def __init__(self, api: Api, smtp: SmtpSink, token: str) -> None:
        self.api, self.smtp, self.token = api, smtp, token
        self.code: str | None = None

    async def __call__(self, name: str) -> dict[str, Any]:
        if self.code is None:
            self.code = await request_code(self.api, self.token, self.smtp, ADDRESS)
        variables = {"input": form(name=name, securityCode=self.code)}
        result: dict[str, Any] = (await self.api.data(MODIFY, variables, token=self.token))[
            "modify"
        ]
        if not result["errors"]:
            self.code = None
        return result


async def registered_as(api: Api, services: Services, smtp: SmtpSink, name: str) -> Renamer:
    await make_operator(services, name=name)
    return Renamer(api, smtp, await api.login("0912345675001", "USUARIO01"))


def refused_as_another_name(result: dict[str, Any]) -> bool:
    return [(e["field"], e["code"]) for e in result["errors"]] == [
        ("name", "NAME_NOT_A_CORRECTION")
    ]


async def registered_name(services: Services) -> str:
    async with services.reading() as session:
        found = await session.exec(  # type: ignore[call-overload]
            text("SELECT registered_name FROM operators WHERE user_id = 'USUARIO01'")
        )
        return str(found.scalar_one())


async def test_typo_fixes_of_the_name_are_accepted_one_after_another(
    api: Api, services: Services, smtp: SmtpSink
) -> None:
    rename = await registered_as(api, services, smtp, "Ana Lucía González Vera")
    first = await rename("Ana Lucia Gonzales Vera")
    assert first["errors"] == []
    second = await rename("ANA LUCÍA GONZÁLEZ VERA")
    assert second["errors"] == []
    assert (await stored_operator(services)).name == "ANA LUCÍA GONZÁLEZ VERA"
    assert await registered_name(services) == "Ana Lucía González Vera"


async def test_dropping_both_surnames_in_one_update_is_refused(
    api: Api, services: Services, smtp: SmtpSink
) -> None:
    rename = await registered_as(api, services, smtp, "Luis Alberto Zambrano Mendoza")
    result = await rename("Luis Alberto")
    assert refused_as_another_name(result)
    assert "baja" in result["errors"][0]["message"]
    stored = await stored_operator(services)
    assert (stored.name, stored.version) == ("Luis Alberto Zambrano Mendoza", 1)


async def test_adding_two_names_in_one_update_is_refused(
    api: Api, services: Services, smtp: SmtpSink
) -> None:
    rename = await registered_as(api, services, smtp, "Juan Pérez")
    assert refused_as_another_name(await rename("Juan Carlos Pérez López"))
    assert (await rename("Juan Pérez López"))["errors"] == []


async def test_two_updates_seconds_apart_cannot_turn_the_name_into_another(
    api: Api, services: Services, smtp: SmtpSink
) -> None:
    rename = await registered_as(api, services, smtp, "Ana Lucía González Vera")
    # The two halves of the rename the issue saw: both surnames out, then two others in.
    assert refused_as_another_name(await rename("Ana Lucía"))
    assert refused_as_another_name(await rename("Ana Lucía Castro Montero"))
    # One surname at a time does not get there either: each step is judged against the
    # registered name, not only the previous one.
    assert (await rename("Ana Lucía González"))["errors"] == []
    assert refused_as_another_name(await rename("Ana Lucía González Castro"))
    assert refused_as_another_name(await rename("Ana Lucía Castro Montero"))
    assert (await stored_operator(services)).name == "Ana Lucía González"
    assert await registered_name(services) == "Ana Lucía González Vera"
