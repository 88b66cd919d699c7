"""The click command tree (lazy: domain modules load only when invoked)."""
