"""Page lifecycle signal receivers; other apps register their own (search, analytics)."""
