"""``python -m reconcile.cli``: the ``reconcile`` command."""

from reconcile.cli.commands import main

# guarded: the Dask engine's local worker processes are spawned and import this module again
if __name__ == "__main__":
    main()
