"""``python -m reconcile.cli``: the ``reconcile`` command."""

from reconcile.cli.commands import main

main()
