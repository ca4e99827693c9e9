"""Settings package: base, dev, test, production."""
