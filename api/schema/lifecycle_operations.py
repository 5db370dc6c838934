"""The operations of an operator's lifecycle: "Solicitud de baja" (§5.8) and staff's review, the
electronic-channels agreement, the yearly update, employees' permission (SENAE-ISEE-3-2-013)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.permission import PermissionExtension

from api.resolvers import lifecycle
from api.resolvers.context import Info
from api.resolvers.mapping import PageArguments
from api.resolvers.permissions import (
    HasCredentials,
    IsAuthenticated,
    IsStaff,
    PayloadPermissions,
    SecondFactorInProduction,
)
from api.schema.enums import AnnualUpdateStatusEnum, DeregistrationStatusEnum
from api.schema.lifecycle import (
    DeregistrationConnection,
    DeregistrationPayload,
    ElectronicChannelsAgreement,
    OperatorConnection,
    OperatorPayload,
    PublishAgreementPayload,
    SignAgreementPayload,
)
from api.schema.pagination import After, Before, First, Last


def staff_only() -> PermissionExtension:
    return PermissionExtension(permissions=[HasCredentials(), IsStaff()], use_directives=False)


@strawberry.type
class LifecycleQueries:
    @strawberry.field(
        description=(
            "The current *Convenio para la utilización de canales electrónicos o tecnológicos del "
            "SENAE*: sign its exact UTF-8 text with your TOKEN after each update."
        )
    )
    async def electronic_channels_agreement(self, info: Info) -> ElectronicChannelsAgreement | None:
        return await lifecycle.electronic_channels_agreement(info)

    @strawberry.field(
        description="Staff: the deregistration requests, oldest first, optionally by status.",
        extensions=[staff_only()],
    )
    async def deregistration_requests(
        self,
        info: Info,
        status: Annotated[
            DeregistrationStatusEnum | None, strawberry.argument(description="Only these.")
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> DeregistrationConnection:
        return await lifecycle.deregistration_requests(
            info, status, PageArguments(first=first, after=after, last=last, before=before)
        )

    @strawberry.field(
        description="Staff: operators in registration order, optionally by where they stand with this year's update.",
        extensions=[staff_only()],
    )
    async def operators(
        self,
        info: Info,
        annual_update_status: Annotated[
            AnnualUpdateStatusEnum | None, strawberry.argument(description="Only these.")
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> OperatorConnection:
        return await lifecycle.operators(
            info,
            annual_update_status,
            PageArguments(first=first, after=after, last=last, before=before),
        )


@strawberry.type
class LifecycleMutations:
    @strawberry.mutation(
        description=(
            '"Solicitud de baja" (§5.8): ask customs staff to deregister your user ID, with a reason. '
            "You get a confirmation mail; staff are notified. One pending request at a time; "
            "requests and withdrawals together at most 10 an hour by default (RATE_LIMITED with the "
            "seconds to wait)."
        ),
        extensions=[PayloadPermissions([IsAuthenticated()])],
    )
    async def request_deregistration(
        self,
        info: Info,
        reason: Annotated[str, strawberry.argument(description="Why (at most 500 characters).")],
    ) -> DeregistrationPayload:
        return await lifecycle.request_deregistration(info, reason)

    @strawberry.mutation(
        description=(
            "Withdraw your pending deregistration request (it counts toward the hourly limit of "
            "requests and withdrawals)."
        ),
        extensions=[PayloadPermissions([IsAuthenticated()])],
    )
    async def withdraw_deregistration(self, info: Info) -> DeregistrationPayload:
        return await lifecycle.withdraw_deregistration(info)

    @strawberry.mutation(
        description=(
            "Staff: approve a pending request. The user ID is disabled, all its sessions end at "
            "once, and the user is told by mail. A request is decided once. In production the "
            "staff member must have signed in with a second factor (SECOND_FACTOR_REQUIRED)."
        ),
        extensions=[PayloadPermissions([HasCredentials(), IsStaff(), SecondFactorInProduction()])],
    )
    async def approve_deregistration(
        self,
        info: Info,
        request_id: Annotated[
            strawberry.ID, strawberry.argument(description="The request's `id`.")
        ],
    ) -> DeregistrationPayload:
        return await lifecycle.decide_deregistration(
            info, str(request_id), approve=True, reason=None
        )

    @strawberry.mutation(
        description="Staff: reject a pending request, with a reason the user receives by mail.",
        extensions=[PayloadPermissions([HasCredentials(), IsStaff()])],
    )
    async def reject_deregistration(
        self,
        info: Info,
        request_id: Annotated[
            strawberry.ID, strawberry.argument(description="The request's `id`.")
        ],
        reason: Annotated[str, strawberry.argument(description="Why it is rejected.")],
    ) -> DeregistrationPayload:
        return await lifecycle.decide_deregistration(
            info, str(request_id), approve=False, reason=reason
        )

    @strawberry.mutation(
        description="Staff: publish a new version of the agreement; every user must sign it again.",
        extensions=[PayloadPermissions([HasCredentials(), IsStaff()])],
    )
    async def publish_agreement(
        self,
        info: Info,
        text: Annotated[
            str, strawberry.argument(description="The full text, exactly as it is to be signed.")
        ],
    ) -> PublishAgreementPayload:
        return await lifecycle.publish_agreement(info, text)

    @strawberry.mutation(
        description=(
            "Sign the current agreement with your TOKEN (the guide's step 6): a detached CMS/PKCS#7 "
            "signature over the exact UTF-8 text, and your certificate. The certificate must chain to "
            "an accredited CA, be valid now, allow digital signature and name you (the cédula in "
            "its serialNumber). An operator registered with its company's RUC signs only while the "
            "SRI's registry shows that RUC ACTIVO (`company.taxpayerStatus`; else RUC_NOT_ACTIVE). "
            "Signed in January after a January update, it completes the yearly update. Signing an "
            "already signed version changes nothing."
        ),
        extensions=[PayloadPermissions([IsAuthenticated()])],
    )
    async def sign_agreement(
        self,
        info: Info,
        version: Annotated[str, strawberry.argument(description="The `version` you signed.")],
        signature: Annotated[
            str, strawberry.argument(description="Base64 of the DER CMS SignedData (detached).")
        ],
        certificate: Annotated[
            str, strawberry.argument(description="Your X.509 certificate, PEM.")
        ],
    ) -> SignAgreementPayload:
        return await lifecycle.sign_agreement(info, version, signature, certificate)

    @strawberry.mutation(
        description="Staff: enable a disabled user ID again, with a reason (audited).",
        extensions=[PayloadPermissions([HasCredentials(), IsStaff()])],
    )
    async def reactivate_operator(
        self,
        info: Info,
        user_id: Annotated[str, strawberry.argument(description='"ID. usuario".')],
        reason: Annotated[str, strawberry.argument(description="Why.")],
    ) -> OperatorPayload:
        return await lifecycle.reactivate_operator(info, user_id, reason)

    @strawberry.mutation(
        description=(
            "A Representante de Comercio Exterior grants or withdraws the permission of an employee "
            'of its company to use "Modificar información de registro" (SENAE-ISEE-3-2-013).'
        ),
        extensions=[PayloadPermissions([IsAuthenticated()])],
    )
    async def set_employee_permission(
        self,
        info: Info,
        user_id: Annotated[str, strawberry.argument(description="The employee's user ID.")],
        allowed: Annotated[
            bool, strawberry.argument(description="Grant (true) or withdraw (false).")
        ],
    ) -> OperatorPayload:
        return await lifecycle.set_employee_permission(info, user_id, allowed)
