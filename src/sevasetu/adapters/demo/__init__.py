"""Synthetic data for demonstrations and benchmarks (never real people)."""

from .generator import DemoBatch, generate

__all__ = ["DemoBatch", "generate"]
