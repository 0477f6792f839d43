"""Ansvarsförbindelse: the municipal commitment and its PDF (DOMAIN.md §5); built by issue 5."""
