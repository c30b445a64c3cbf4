"""Vaccination certificates: the printable PDF and the data it carries."""
