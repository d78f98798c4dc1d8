"""The harmonised store: models, migrations, engines, frames and the columnar copy."""
