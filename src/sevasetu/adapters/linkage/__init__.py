"""Record linkage adapters: Splink on DuckDB (default) or Spark."""
