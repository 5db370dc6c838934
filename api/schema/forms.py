"""The forms of "Modificar información del uso" (SENAE-ISEE-3-2-010 §5.4–§5.5.1) as clients see them.

Shapes and descriptions only: every value comes from `api.domain.forms` and
`api.domain.identification`, the same objects the validation of `modify` reads.
"""

from __future__ import annotations

import strawberry

from api.schema.enums import FieldKindEnum, IdentificationTypeEnum, RegistrationTypeCodeEnum


@strawberry.type(
    description=(
        "When a field applies. The field is shown and judged only when `field` has a value "
        "(`equals` null: its options come from that value, as a city from its province) or holds "
        'exactly `equals` (booleans as "true"/"false"). Otherwise a value sent for it is refused '
        "with NOT_ALLOWED and `reason`."
    )
)
class FieldDependency:
    field: str = strawberry.field(description="`name` of the field it depends on.")
    equals: str | None = strawberry.field(
        description='The value that field must hold (e.g. "EC", "false"); null: any value.'
    )
    reason: str = strawberry.field(
        description="Why a value is refused when the field does not apply, in the caller's language."
    )


@strawberry.type(
    description=(
        "One field of a registration form, in the order of the screen (§5.5). The validation of "
        "`modify` enforces exactly these rules: they are read from one definition."
    )
)
class FieldSpec:
    name: str = strawberry.field(
        description=(
            "The `ModifyOperatorInput` field for an editable field; the `Operator` field shown for "
            "a read-only one."
        )
    )
    label: str = strawberry.field(
        description="The label of the portal's screen, in the caller's language."
    )
    kind: FieldKindEnum = strawberry.field(description="What it holds: which widget to use.")
    required: bool = strawberry.field(
        description=(
            "Mandatory (* on the screen) whenever the field applies (see `dependsOn`): the update "
            "is refused with REQUIRED while it is blank (§4.2.2)."
        )
    )
    editable: bool = strawberry.field(
        description=(
            "False for data the form only shows (ID. usuario, Doc. identificación, SENAE correo "
            "electrónico, the company's data as registered with the SRI)."
        )
    )
    max_length: int | None = strawberry.field(
        description="Most characters accepted, counted on the trimmed value (TOO_LONG beyond)."
    )
    pattern: str | None = strawberry.field(
        description=(
            "Regular expression the trimmed value must match (INVALID_FORMAT otherwise); valid in "
            "ECMAScript and Python. Null when no format applies."
        )
    )
    format_hint: str | None = strawberry.field(
        description='The format as the procedure writes it, e.g. "0XXXXXXXX" (Teléfono1, §5.5.1).'
    )
    catalog: str | None = strawberry.field(
        description=(
            "The query its options come from: countries, provinces, cities (with the chosen "
            "provinceCode) or mobileCarriers. Null for free input."
        )
    )
    search: str | None = strawberry.field(
        description=(
            "The query that finds an option by any name a user may look for, returning the "
            'option to store: searchCities for "Ciudad" (a canton by a parish such as "Chongón" '
            'or a former name such as "Eloy Alfaro", as the procedure\'s list shows them). Null '
            "when the catalog's names are all there is."
        )
    )
    depends_on: FieldDependency | None = strawberry.field(
        description="When the field applies; null: always."
    )
    default: str | None = strawberry.field(
        description='Initial value, as text ("false" for "¿Desea mantener el mismo correo?": No).'
    )
    help: str | None = strawberry.field(
        description="The procedure's instruction for the field, in the caller's language."
    )
    value_path: str | None = strawberry.field(
        description=(
            "For a read-only field, where its value is on `Operator` (`me`), as a dot-separated "
            'path of its fields: "company.ruc", "employeePermission". Null for editable fields.'
        )
    )


@strawberry.type(
    description=(
        'A document of "Doc. identificación" (§5.5.1) and the format of its stored number. RUC and '
        "cédula numbers must also have valid check digits."
    )
)
class IdentificationDocumentType:
    code: IdentificationTypeEnum = strawberry.field(description="Stable code.")
    name: str = strawberry.field(description="Name in the caller's language.")
    description: str = strawberry.field(description="Its format, in the caller's language.")
    pattern: str = strawberry.field(
        description="Regular expression of the number without separators (spaces, hyphens)."
    )
    max_length: int = strawberry.field(description="Most characters of the number.")


@strawberry.type(
    description=(
        'One of the seven options of "Modificar información del uso" (§5.4) with its whole form: '
        "enough to render it without hard-coding a rule."
    )
)
class RegistrationType:
    code: RegistrationTypeCodeEnum = strawberry.field(description="Stable code.")
    name: str = strawberry.field(
        description="Name as the portal shows it, in the caller's language."
    )
    description: str = strawberry.field(
        description="Who registers under it, in the caller's language."
    )
    accepted_documents: list[IdentificationDocumentType] = strawberry.field(
        description=(
            "The documents its users identify with: representatives the RUC; a person with a "
            "disability the cédula; an international organisation a passport or its own document."
        )
    )
    fields: list[FieldSpec] = strawberry.field(
        description="Its form, in the order of the screen: read-only data first, then the editable fields."
    )
    notes: str | None = strawberry.field(
        description="What else the procedure says about this form, in the caller's language."
    )
    requires_company_permission: bool = strawberry.field(
        description=(
            "True for an employee: it may use the form only once its company granted the "
            "permission (SENAE-ISEE-3-2-013); otherwise `requestSecurityCode` and `modify` answer "
            "PERMISSION_NOT_GRANTED."
        )
    )
