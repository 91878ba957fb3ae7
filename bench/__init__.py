"""Benchmark tooling: a generator of large synthetic board databases."""
