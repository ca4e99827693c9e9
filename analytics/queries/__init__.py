"""Read-side queries over analytics tables, one metric a module."""
