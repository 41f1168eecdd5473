"""Drafting claims from documents (``reconcile draft``): cues from the property registry,
mentions of entities, dates and figures, and draft claims for people to review."""
