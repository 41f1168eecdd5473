"""Output formats: one small module per format."""
