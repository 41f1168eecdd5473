"""Stage 1, load: the workspace's files read into tables (sources, documents, registries,
claims in YAML, CSV or Parquet), each problem kept with its file and line."""
