"""Plain-NumPy re-implementations of the displayed equations (used by tests and benchmarks)."""
