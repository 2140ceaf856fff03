"""Per-lesson plumbing: one module per lesson that needs it, named after it (n19_sql: 19)."""
