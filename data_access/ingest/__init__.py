"""The import pipeline: source profiles, file readers, rules, loading and lineage."""
