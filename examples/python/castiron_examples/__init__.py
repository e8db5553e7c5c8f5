"""Example processors for Cast-Iron ETL pipelines (see examples/csv/*.toml)."""
