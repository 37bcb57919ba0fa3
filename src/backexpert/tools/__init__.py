"""Developer tools run by `make check` and pre-commit."""
