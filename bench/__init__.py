"""Benchmarks: measured against a floor taken in the same run, because these machines are noisy (DESIGN.md).

Run with `make bench` or `python -m bench`; results go to stdout as JSON and to bench/results/latest.json.
"""
