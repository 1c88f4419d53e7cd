"""Benchmarks run against a real Ko'mak server (`make bench`): docs/benchmarks.md."""
