"""The built-in rule modules of reconcile, one kind of contradiction each.

Installed as the package ``reconcile.builtin_rules``; see :mod:`reconcile.detect.rulekit` for
what a rule module holds. A workspace adds its own rules as modules in its own ``rules/``.
"""
