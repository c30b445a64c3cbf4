"""Reading tabular exports (CSV in any delimiter and encoding, Excel .xlsx) row by row."""

from .readers import Table, count_rows, file_sha256, open_table

__all__ = ["Table", "count_rows", "file_sha256", "open_table"]
