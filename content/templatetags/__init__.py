"""Template filters of the content app."""
