"""Reading a parsed GraphQL document: which root fields an operation selects, which string
literals it holds.

The per-request extensions (text guard, public-answer cache, metrics) all need these facts, and
clients send the same few query texts again and again: the parser cache hands back the same
document object for the same text, so the facts are computed once per document and kept while
the document lives (`document_facts`).
"""

from __future__ import annotations

from typing import Any
from weakref import WeakKeyDictionary

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    StringValueNode,
    Visitor,
    visit,
)
from graphql.utilities import get_operation_ast


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

    __slots__ = ("_operations", "string_literals")

    def __init__(self, document: DocumentNode) -> None:
        collector = _StringLiterals()
        visit(document, collector)
        self.string_literals: tuple[str, ...] = tuple(collector.found)
        # No reference back to the document: a value that held its own key would never let the
        # weak dictionary drop the pair.
        self._operations: dict[str | None, Operation] = {}

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

_FACTS: WeakKeyDictionary[DocumentNode, DocumentFacts] = WeakKeyDictionary()


def document_facts(document: DocumentNode) -> DocumentFacts:
    facts = _FACTS.get(document)
    if facts is None:
        facts = _FACTS[document] = DocumentFacts(document)
    return facts


def selected_operation(document: DocumentNode, name: str | None) -> Operation:
    """The operation a request runs and its root field names, from the document's facts."""
    return document_facts(document).operation(document, name)
