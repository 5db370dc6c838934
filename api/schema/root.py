"""The schema's roots: every operation, its description, arguments and who may call it.

Each field only delegates to its resolver module; no rule lives here.
"""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.permission import PermissionExtension

from api.resolvers import auth, modify, operators, password_reset
from api.resolvers import nodes as node_resolvers
from api.resolvers.context import Info
from api.resolvers.mapping import PageArguments
from api.resolvers.permissions import (
    HasCredentials,
    IsAuthenticated,
    IsSelfOrStaff,
    PayloadPermissions,
)
from api.schema.auth import (
    LoginPayload,
    LogoutPayload,
    PasswordResetPayload,
    PasswordResetRequestPayload,
)
from api.schema.catalog_queries import CatalogQueries
from api.schema.company_operations import CompanyMutations
from api.schema.event_operations import PartnerKeyMutations, PartnerKeyQueries
from api.schema.history import OperatorHistoryConnection
from api.schema.lifecycle_operations import LifecycleMutations, LifecycleQueries
from api.schema.modify import (
    EmailAvailabilityPayload,
    ModifyOperatorInput,
    ModifyOperatorPayload,
    SecurityCodePayload,
)
from api.schema.node import Node
from api.schema.operator import Operator
from api.schema.pagination import After, Before, First, Last
from api.schema.webhook_operations import WebhookMutations, WebhookQueries


@strawberry.type
class OperatorQueries:
    @strawberry.field(description="The signed-in user, or null without a valid bearer token.")
    def me(self, info: Info) -> Operator | None:
        return operators.me(info)

    @strawberry.field(
        description=(
            "The entity of a global `id` (Relay's Node: Operator, DeregistrationRequest, "
            "HistoryEntry, OperatorEvent, PartnerKey, ElectronicChannelsAgreement), with the "
            "same authorization as the entity's own query. Null for an id that names nothing "
            "and, alike, for one the caller may not see; UNAUTHENTICATED for a bearer token "
            "that is not valid."
        )
    )
    async def node(
        self, info: Info, id: Annotated[strawberry.ID, strawberry.argument(description="An `id`.")]
    ) -> Node | None:
        return await node_resolvers.node(info, str(id))

    @strawberry.field(
        description="`node` for several ids at once, in their order (null where one names nothing or is not yours to see)."
    )
    async def nodes(
        self,
        info: Info,
        ids: Annotated[list[strawberry.ID], strawberry.argument(description="At most 100 ids.")],
    ) -> list[Node | None]:
        return await node_resolvers.nodes(info, [str(node_id) for node_id in ids])

    @strawberry.field(
        description="A user's registration: yourself, or anyone for customs staff. Null if unknown.",
        extensions=[
            PermissionExtension(
                permissions=[HasCredentials(), IsSelfOrStaff()], use_directives=False
            )
        ],
    )
    async def operator(
        self,
        info: Info,
        user_id: Annotated[str, strawberry.argument(description='"ID. usuario", any case.')],
    ) -> Operator | None:
        return await operators.operator(info, user_id)

    @strawberry.field(
        description=(
            "A user's change history, newest first: when, who, the operation and every field "
            "changed with its old and new value (a password only as changed). Yourself, or anyone "
            "for customs staff. Null if the user is unknown."
        ),
        extensions=[
            PermissionExtension(
                permissions=[HasCredentials(), IsSelfOrStaff()], use_directives=False
            )
        ],
    )
    async def operator_history(
        self,
        info: Info,
        user_id: Annotated[str, strawberry.argument(description='"ID. usuario", any case.')],
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> OperatorHistoryConnection | None:
        return await operators.operator_history(
            info, user_id, PageArguments(first=first, after=after, last=last, before=before)
        )


@strawberry.type
class OperatorMutations:
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
        otp: Annotated[
            str | None,
            strawberry.argument(
                description=(
                    "The six-digit code of the authenticator application (TOTP), for whoever "
                    "enrolled a second factor (customs staff in production). Without it such a "
                    "sign-in answers OTP_REQUIRED on the field `otp`."
                )
            ),
        ] = None,
    ) -> LoginPayload:
        return await auth.login(info, identification, user_id, password, otp)

    @strawberry.mutation(
        description=(
            '"REINICIAR CLAVE" (SENAE-ISEE-3-2-010 §5.1): for an operator who forgot the '
            "password. When the identification (own document, or an employee's company RUC) and "
            "the user ID name an enabled user, a code of letters and digits valid 15 minutes is "
            "mailed to its registered address (in the language of Accept-Language). The answer "
            "is the same whether or not they do. At most one code a minute and 5 an hour per "
            "user; 20 requests an hour per client address."
        )
    )
    async def request_password_reset(
        self,
        info: Info,
        identification: Annotated[
            str, strawberry.argument(description="RUC, cédula or passport number.")
        ],
        user_id: Annotated[str, strawberry.argument(description='"ID. usuario".')],
    ) -> PasswordResetRequestPayload:
        return await password_reset.request_password_reset(info, identification, user_id)

    @strawberry.mutation(
        description=(
            "Set a new password with the code of `requestPasswordReset`: the same password "
            "policy as `modify`, typed twice. Every session of the user ends; the registered "
            "address is told. Only a wrong code counts as an attempt (5 per code)."
        )
    )
    async def reset_password(
        self,
        info: Info,
        identification: Annotated[
            str, strawberry.argument(description="RUC, cédula or passport number.")
        ],
        user_id: Annotated[str, strawberry.argument(description='"ID. usuario".')],
        code: Annotated[str, strawberry.argument(description="The code received by e-mail.")],
        new_password: Annotated[str, strawberry.argument(description="The new password.")],
        new_password_confirmation: Annotated[
            str, strawberry.argument(description="The new password again.")
        ],
    ) -> PasswordResetPayload:
        return await password_reset.reset_password(
            info, identification, user_id, code, new_password, new_password_confirmation
        )

    @strawberry.mutation(
        description="Sign out: the bearer token stops working at once.",
        extensions=[PayloadPermissions([IsAuthenticated()])],
    )
    async def logout(self, info: Info) -> LogoutPayload:
        return await auth.logout(info)

    @strawberry.mutation(
        description=(
            '"Comprobar disponibilidad" (§5.5.1): whether an address is free (not used by another '
            "user; compared without case). A free address is reserved for you for 15 minutes and is "
            "the only new address `requestSecurityCode` and `modify` accept in this update. Your own "
            "current address answers EMAIL_IS_CURRENT: choose keepSameEmail instead. At most 10 "
            "checks a minute."
        ),
        extensions=[PayloadPermissions([IsAuthenticated()])],
    )
    async def check_email_availability(
        self,
        info: Info,
        email: Annotated[str, strawberry.argument(description="The new address.")],
    ) -> EmailAvailabilityPayload:
        return await modify.check_email_availability(info, email)

    @strawberry.mutation(
        description=(
            '"Solicitar código de seguridad" (§5.5.1): e-mails a code of letters and digits, valid '
            '15 minutes, subject "ACTIVACIÓN DE CORREO ELECTRÓNICO": to your registered address when '
            "you keep it, or to the new address you reserved with `checkEmailAvailability`. A new "
            "request replaces the previous code; at most one a minute while unused and 10 an hour."
        ),
        extensions=[PayloadPermissions([IsAuthenticated()])],
    )
    async def request_security_code(
        self,
        info: Info,
        email: Annotated[
            str,
            strawberry.argument(description="Your registered address, or the reserved new one."),
        ],
    ) -> SecurityCodePayload:
        return await modify.request_security_code(info, email)

    @strawberry.mutation(
        description=(
            '"Modificar" (§5.6–§5.7): validates the whole form and reports every error at once; '
            "only a valid form has its security code checked (a wrong code counts one of 5 "
            "attempts). On success every change is written in one transaction, the code is used up, "
            "other sessions are signed out if the password changed, the old address is told if the "
            "e-mail changed, and the message says that the modification succeeded (§5.7) and that "
            "the agreement is now to be signed (`signAgreement`, the guide's step 6), which "
            "completes the update."
        ),
        extensions=[PayloadPermissions([IsAuthenticated()])],
    )
    async def modify(
        self,
        info: Info,
        input: Annotated[ModifyOperatorInput, strawberry.argument(description="The form of §5.5.")],
    ) -> ModifyOperatorPayload:
        return await modify.modify_operator(info, input)


@strawberry.type(description="Reading registrations and the catalogs their forms use.")
class Query(OperatorQueries, CatalogQueries, LifecycleQueries, PartnerKeyQueries, WebhookQueries):
    pass


@strawberry.type(
    description="Changing registrations. Every payload carries `errors`; a refusal writes nothing."
)
class Mutation(
    OperatorMutations, LifecycleMutations, PartnerKeyMutations, WebhookMutations, CompanyMutations
):
    pass
