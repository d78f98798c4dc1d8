"""The publishing boundary: what each cell of a table is, and the one step that discloses it."""
