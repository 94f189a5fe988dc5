"""Benchmarks for the budgets in ARCHITECTURE.md §9: `make bench` = `python -m bench.run`; see README.md."""
