"""The schema's roots: every operation, its description, arguments and who may call it.

Each field only delegates to its resolver module; no rule lives here.
"""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.permission import PermissionExtension

from api.resolvers import auth, operators
from api.resolvers.context import Info
from api.resolvers.permissions import IsAuthenticated, IsSelfOrStaff, PayloadPermissions
from api.schema.auth import LoginPayload, LogoutPayload
from api.schema.catalog_queries import CatalogQueries
from api.schema.operator import Operator


@strawberry.type
class OperatorQueries:
    @strawberry.field(description="The signed-in user, or null without a valid bearer token.")
    async def me(self, info: Info) -> Operator | None:
        return await operators.me(info)

    @strawberry.field(
        description="A user's registration: yourself, or anyone for customs staff. Null if unknown.",
        extensions=[PermissionExtension(permissions=[IsSelfOrStaff()], use_directives=False)],
    )
    async def operator(
        self,
        info: Info,
        user_id: Annotated[str, strawberry.argument(description='"ID. usuario", any case.')],
    ) -> Operator | None:
        return await operators.operator(info, user_id)


@strawberry.type(
    description="Changing registrations. Every payload carries `errors`; a refusal writes nothing."
)
class Mutation:
    @strawberry.mutation(
        description=(
            "Sign in as on the portal's home page (§5.1): identification (RUC; an employee may use "
            "its company's RUC), user ID and password. A wrong part always gets the same "
            "INVALID_CREDENTIALS; repeated failures are throttled (RATE_LIMITED with the seconds "
            "to wait)."
        )
    )
    async def login(
        self,
        info: Info,
        identification: Annotated[
            str, strawberry.argument(description="RUC, cédula or passport number.")
        ],
        user_id: Annotated[str, strawberry.argument(description='"ID. usuario".')],
        password: Annotated[str, strawberry.argument(description="The password.")],
    ) -> LoginPayload:
        return await auth.login(info, identification, user_id, password)

    @strawberry.mutation(
        description="Sign out: the bearer token stops working at once.",
        extensions=[PayloadPermissions([IsAuthenticated()])],
    )
    async def logout(self, info: Info) -> LogoutPayload:
        return await auth.logout(info)


@strawberry.type(description="Reading registrations and the catalogs their forms use.")
class Query(OperatorQueries, CatalogQueries):
    pass


schema = strawberry.Schema(query=Query, mutation=Mutation)
