"""Resolvers, one module per capability: authorise, call a service, map the result or refusal."""
