"""Customs staff set an operator's company as the SRI registers it."""

from __future__ import annotations

from typing import Annotated

import strawberry

from api.resolvers import companies
from api.resolvers.context import Info
from api.resolvers.permissions import HasCredentials, IsStaff, PayloadPermissions
from api.schema.lifecycle import OperatorPayload


@strawberry.input(
    description=(
        "An operator's company, public entity or international organisation as the SRI's RUC "
        "registry has it. The whole company is given: a blank legal representative clears it."
    )
)
class SetOperatorCompanyInput:
    user_id: str = strawberry.field(description='The operator\'s "ID. usuario".')
    company_ruc: str = strawberry.field(
        description=(
            "The company's RUC: valid check digits, main establishment 001. A representative's "
            "company is the one of its own RUC."
        )
    )
    company_name: str = strawberry.field(
        description="Razón social as the SRI registers it (at most 300 characters)."
    )
    legal_representative_name: str | None = strawberry.field(
        default=None, description="The legal representative's name (at most 150 characters)."
    )
    legal_representative_identification: str | None = strawberry.field(
        default=None,
        description="The legal representative's cédula, or passport for a foreign one.",
    )


@strawberry.type
class CompanyMutations:
    @strawberry.mutation(
        description=(
            "Staff: set an operator's company as registered with the SRI (RUC, razón social, legal "
            "representative), shown read-only on the forms of the company types (§5.4). Only the "
            "company types have one (GENERAL_USER and PERSON_WITH_DISABILITY: NOT_ALLOWED). The "
            "company's data is shared by all its operators; the change is audited and published "
            "as an OPERATOR_UPDATED event of this operator."
        ),
        extensions=[PayloadPermissions([HasCredentials(), IsStaff()])],
    )
    async def set_operator_company(
        self,
        info: Info,
        input: Annotated[
            SetOperatorCompanyInput,
            strawberry.argument(description="The operator and its company."),
        ],
    ) -> OperatorPayload:
        return await companies.set_operator_company(info, input)
