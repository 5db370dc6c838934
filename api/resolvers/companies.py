"""Staff's `setOperatorCompany`: authorised by its permission classes, then the service."""

from __future__ import annotations

from typing import TYPE_CHECKING

from api.domain.companies import CompanyData
from api.resolvers.context import Info
from api.resolvers.errors import REFUSALS, user_errors
from api.resolvers.mapping import to_operator
from api.schema.lifecycle import OperatorPayload
from api.services import companies

if TYPE_CHECKING:
    from api.schema.company_operations import SetOperatorCompanyInput


async def set_operator_company(info: Info, input: SetOperatorCompanyInput) -> OperatorPayload:
    ctx = info.context
    session = ctx.session
    assert session is not None, "guarded by a permission class"
    try:
        row = await companies.set_operator_company(
            ctx.services,
            user_id=input.user_id,
            data=CompanyData(
                ruc=input.company_ruc,
                name=input.company_name,
                legal_representative_name=input.legal_representative_name,
                legal_representative_identification=input.legal_representative_identification,
            ),
            staff_user_id=session.user_id,
        )
    except REFUSALS as refusal:
        return OperatorPayload(errors=user_errors(refusal, ctx.locale))
    return OperatorPayload(
        operator=to_operator(row, catalogs=ctx.services.catalogs, locale=ctx.locale)
    )
