"""Global object identification (the Relay specification GitHub, Shopify and Saleor follow): an
entity with an identity has an opaque `id`, and `node(id:)` fetches it again. Normalised client
caches (Apollo's InMemoryCache, urql's Graphcache, Relay) key entities by `__typename` and `id`
without any configuration."""

from __future__ import annotations

import strawberry


@strawberry.interface(description="An entity with a global identity (Relay's Node).")
class Node:
    id: strawberry.ID = strawberry.field(
        description=(
            "Opaque and stable: the same entity always has the same `id`, and `node(id:)` "
            "returns it (to whoever may see it)."
        )
    )
