"""Data residency: a state's rows as a signed bundle (docs/data-residency.md)."""
