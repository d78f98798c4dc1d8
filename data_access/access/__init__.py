"""Who may see what: readers and scopes, scoped reads, disclosure rules, audit, notes."""
