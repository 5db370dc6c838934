"""The floor of the January flow: a bare Starlette app doing what the API's mutations do, through
the same services (sign-in, the security code and its mail, the modification in one
transaction), with plain JSON in and out and no GraphQL.

    POST /login  {"identification", "userId", "password"}  -> {"token"}
    POST /code   {"email"}                                 -> {"expiresAt"}
    POST /modify {the ModifyOperatorInput fields}          -> {"message"}

The request budget is counted as the API counts it (bench/bare_me.py). Run by
bench/january_flow.py as `uvicorn bench.bare_flow:app` with the API's environment.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from api.app import settle_heap
from api.domain.forms import ModifyForm
from api.domain.messages import InfoMessage, info_message
from api.persistence.operators import OperatorRepository
from api.persistence.sessions import SessionData
from api.services import auth, modify, security_codes
from bench.bare_me import services, spend_budget


async def signed_in(request: Request) -> SessionData:
    token = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
    session = await services.sessions.resolve(token)
    assert session is not None, "the bench signs in first"
    return session


async def login(request: Request) -> JSONResponse:
    await spend_budget(request)
    body = await request.json()
    result = await auth.login(
        services,
        identification=body["identification"],
        user_id=body["userId"],
        password=body["password"],
        client_address=request.client.host if request.client else "unknown",
    )
    return JSONResponse({"token": result.token})


async def code(request: Request) -> JSONResponse:
    await spend_budget(request)
    session = await signed_in(request)
    body = await request.json()
    async with services.reading() as db:
        operator = await OperatorRepository(db).by_id(session.operator_id)
    assert operator is not None
    sent = await security_codes.request_security_code(
        services, operator=operator, email=body["email"]
    )
    return JSONResponse({"expiresAt": sent.expires_at.isoformat()})


def form(body: dict[str, Any]) -> ModifyForm:
    return ModifyForm(
        name=body["name"],
        country_code=body["countryCode"],
        province_code=body.get("provinceCode"),
        city_code=body.get("cityCode"),
        address=body["address"],
        phone1=body["phone1"],
        phone2=body.get("phone2"),
        mobile_carrier=body["mobileCarrier"],
        mobile_number=body["mobileNumber"],
        fax=body.get("fax"),
        keep_same_email=body["keepSameEmail"],
        email=body.get("email"),
        email_confirmation=body.get("emailConfirmation"),
        security_code=body["securityCode"],
        current_password=body.get("currentPassword"),
        new_password=body.get("newPassword"),
        new_password_confirmation=body.get("newPasswordConfirmation"),
        expected_version=body.get("expectedVersion"),
    )


async def modify_operator(request: Request) -> JSONResponse:
    await spend_budget(request)
    session = await signed_in(request)
    await modify.modify_operator(services, session_data=session, form=form(await request.json()))
    return JSONResponse({"message": info_message(InfoMessage.UPDATE_SUCCEEDED)})


@asynccontextmanager
async def lifespan(_: Starlette) -> AsyncIterator[None]:
    settle_heap()
    yield
    await services.close()


app = Starlette(
    routes=[
        Route("/login", login, methods=["POST"]),
        Route("/code", code, methods=["POST"]),
        Route("/modify", modify_operator, methods=["POST"]),
    ],
    lifespan=lifespan,
)
