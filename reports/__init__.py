"""Everything the monitor shows, below the UI: the indicator registry, the views and their
cached series, the publishing boundary, the service pages call, the quarterly report, the
parliamentary answer and the `1g1p` commands."""
