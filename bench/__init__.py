"""`make bench`: performance of the main pages on the synthetic data set, each beside a bare
Django view measured in the same run (DESIGN.md "Performance budgets", docs/performance.md)."""
