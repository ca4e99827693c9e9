"""search app."""
