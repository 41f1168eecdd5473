"""reconcile: cross-source fact reconciliation.

Fact-checkers capture what each document asserts as typed claims; ``reconcile`` validates
them, finds where sources contradict each other or themselves, weighs the sources on a
source-agreement graph and reports. Start with :func:`reconcile.pipeline.load`.
"""

__version__ = "0.1.0"
