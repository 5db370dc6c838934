"""Strawberry types, inputs and enums: shapes and descriptions only, no rules."""
