"""A synthetic, region-sized data set for `make bench` (DESIGN.md "Performance budgets").

``plan`` says how many rows of each kind a run makes, ``generate`` makes them (reproducibly from
a seed) and ``copy`` streams them into PostgreSQL with COPY. The command is
``manage.py seed_synthetic``."""
