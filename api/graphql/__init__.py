"""The GraphQL machinery around the schema: the HTTP/WebSocket view, the schema's extensions
(persisted queries, limits, error codes and masking, caching, WebSocket checks) and the schema
they make. The types are in api/schema/, what resolves their fields in api/resolvers/."""
