"""Application services: each use case orchestrates the pure domain rules and the stores.

Resolvers and CLI commands call these; neither writes SQL nor touches Redis keys itself.
"""
