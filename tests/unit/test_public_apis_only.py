"""Strawberry and graphql-core are used through their public, documented APIs only: no import of
an internal module, no underscore name, no private attribute. The next release of either may
change its internals without notice; code that reaches into them would break silently."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import Final

ROOT: Final = Path(__file__).resolve().parents[2]
CHECKED: Final = ("api", "tests", "bench")

# The modules Strawberry's and graphql-core's documentation import from.
PUBLIC_MODULES: Final = frozenset(
    {
        "strawberry",
        "strawberry.aiohttp",
        "strawberry.asgi",
        "strawberry.dataloader",
        "strawberry.exceptions",
        "strawberry.extensions",
        "strawberry.http",
        "strawberry.permission",
        "strawberry.relay",
        "strawberry.scalars",
        "strawberry.schema.config",
        "strawberry.schema.name_converter",
        "strawberry.subscriptions",
        "strawberry.types",
        "graphql",
        "graphql.error",
        "graphql.execution",
        "graphql.language",
        "graphql.pyutils",
        "graphql.type",
        "graphql.utilities",
        "graphql.validation",
    }
)
LIBRARIES: Final = ("strawberry", "graphql")
# Underscore names that other libraries document as public (SQLAlchemy's `Row._mapping`, the
# named tuple's methods).
DOCUMENTED_UNDERSCORE_NAMES: Final = frozenset(
    {"_mapping", "_asdict", "_replace", "_fields", "_make"}
)


def sources() -> Iterator[tuple[Path, ast.Module]]:
    for folder in CHECKED:
        for path in sorted((ROOT / folder).rglob("*.py")):
            yield path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def is_library(module: str) -> bool:
    return module.split(".")[0] in LIBRARIES


def is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def own_names(trees: list[ast.Module]) -> set[str]:
    """Every name this project defines itself (functions, classes, attributes it assigns)."""
    names: set[str] = set()
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.add(node.name)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                names.add(node.attr)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, ast.arg):
                names.add(node.arg)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                names.add(node.value)  # __slots__ entries, getattr names
    return names


def test_only_public_modules_and_names_of_strawberry_and_graphql_core_are_imported() -> None:
    found = []
    for path, tree in sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and is_library(node.module):
                if node.module not in PUBLIC_MODULES:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} from {node.module}")
                found += [
                    f"{path.relative_to(ROOT)}:{node.lineno} {alias.name}"
                    for alias in node.names
                    if is_private(alias.name)
                ]
            elif isinstance(node, ast.Import):
                found += [
                    f"{path.relative_to(ROOT)}:{node.lineno} import {alias.name}"
                    for alias in node.names
                    if is_library(alias.name) and alias.name not in PUBLIC_MODULES
                ]
    assert found == []


def test_no_private_attribute_of_a_library_is_read_or_overridden() -> None:
    """A private attribute the project does not define itself is someone else's: reading it
    (`schema._schema`) or overriding it (`_process_result`) depends on internals."""
    parsed = list(sources())
    ours = own_names([tree for _, tree in parsed])
    found = []
    for path, tree in parsed:
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.ctx, ast.Load)
                and is_private(node.attr)
                and node.attr not in ours
                and node.attr not in DOCUMENTED_UNDERSCORE_NAMES
            ):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} .{node.attr}")
            if isinstance(node, ast.ClassDef):
                bases_from_libraries = any(
                    isinstance(base, ast.Attribute | ast.Name) for base in node.bases
                )
                if bases_from_libraries:
                    found += [
                        f"{path.relative_to(ROOT)}:{item.lineno} overrides {item.name}"
                        for item in node.body
                        if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
                        and item.name in LIBRARY_PRIVATE_METHODS
                    ]
    assert found == []


def library_private_methods() -> frozenset[str]:
    """The private method names Strawberry and graphql-core define."""
    import graphql
    import strawberry

    names: set[str] = set()
    for package in (strawberry, graphql):
        for path in Path(str(package.__file__)).parent.rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            names.update(
                node.name
                for node in ast.walk(tree)
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
                and is_private(node.name)
            )
    return frozenset(names)


LIBRARY_PRIVATE_METHODS: Final = library_private_methods()
