"""Benchmarks, run by hand: uv run python -m benchmarks.<name>; results in benchmarks/results/."""
