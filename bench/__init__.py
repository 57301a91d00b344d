"""The benchmark: ``python -m bench`` (see bench/README.md). Not installed; run from the repository root."""
