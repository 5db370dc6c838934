"""Reading a parsed GraphQL document: which root fields an operation selects, which string
literals it holds (and whether any is unsafe text), and what its validation found.

The per-request extensions (text guard, public-answer cache, metrics) all need these facts, and
clients send the same few query texts again and again: the parser cache hands back the same
document object for the same text, so the facts are computed once per document and kept while
the document lives (`document_facts`).

They are found by the document's identity, not its value: graphql-core's nodes are frozen
dataclasses whose hash walks the whole tree on every lookup, while the identity of the cached
object says the same for nothing.
"""

from __future__ import annotations

from typing import Any
from weakref import ref

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    StringValueNode,
    Visitor,
    visit,
)
from graphql.utilities import get_operation_ast

from api.domain.text_safety import contains_unsafe_text


def root_field_names(document: DocumentNode, selection_set: SelectionSetNode) -> set[str]:
    """The names (not aliases) of the root fields an operation selects, through fragments."""
    fragments = {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
    names: set[str] = set()
    visited: set[str] = set()
    pending = [selection_set]
    while pending:
        for selection in pending.pop().selections:
            if isinstance(selection, FieldNode):
                names.add(selection.name.value)
            elif isinstance(selection, InlineFragmentNode):
                pending.append(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = fragments.get(name)
                if fragment is not None and name not in visited:
                    visited.add(name)
                    pending.append(fragment.selection_set)
    return names


class _StringLiterals(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def enter_string_value(self, node: StringValueNode, *_args: Any) -> None:
        self.found.append(node.value)


class DocumentFacts:
    """What the extensions read of one document, computed once."""

    __slots__ = ("_operations", "string_literals", "unsafe_literals", "validations")

    def __init__(self, document: DocumentNode) -> None:
        collector = _StringLiterals()
        visit(document, collector)
        self.string_literals: tuple[str, ...] = tuple(collector.found)
        self.unsafe_literals = contains_unsafe_text(self.string_literals)
        # No reference back to the document: facts that held it would keep it alive forever.
        self._operations: dict[str | None, Operation] = {}
        # The validation's errors, by schema and rules (api/graphql/caching.py).
        self.validations: dict[tuple[object, tuple[object, ...]], list[GraphQLError]] = {}

    def operation(self, document: DocumentNode, name: str | None) -> Operation:
        """The operation `name` selects (GraphQL's rules: None means the only one) and the root
        fields it selects; `(None, empty)` when there is no such operation."""
        found = self._operations.get(name)
        if found is None:
            node = get_operation_ast(document, name)
            fields = (
                frozenset(root_field_names(document, node.selection_set))
                if node is not None
                else frozenset()
            )
            found = self._operations[name] = (node, fields)
        return found


Operation = tuple[OperationDefinitionNode | None, frozenset[str]]

# id(document) -> (a weak reference to it, its facts). The reference drops the entry when the
# document dies, before its id can be given to another object.
_FACTS: dict[int, tuple[ref[DocumentNode], DocumentFacts]] = {}


def _forget(key: int, reference: ref[DocumentNode]) -> None:
    entry = _FACTS.get(key)
    if entry is not None and entry[0] is reference:
        del _FACTS[key]


def document_facts(document: DocumentNode) -> DocumentFacts:
    key = id(document)
    entry = _FACTS.get(key)
    if entry is not None and entry[0]() is document:
        return entry[1]
    facts = DocumentFacts(document)
    _FACTS[key] = (ref(document, lambda reference: _forget(key, reference)), facts)
    return facts


def selected_operation(document: DocumentNode, name: str | None) -> Operation:
    """The operation a request runs and its root field names, from the document's facts."""
    return document_facts(document).operation(document, name)
