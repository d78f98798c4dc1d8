"""Benchmarks of the monitor at demo scale and at many times Flanders' real volume (issue 9)."""
