"""Results of the data-quality suites as stored, and the passport per region."""
