"""Inslussning: the re-entry programme (DOMAIN.md §3.3). Built by its own issue."""
