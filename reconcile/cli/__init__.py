"""The command line (:mod:`.commands`): a thin layer over :mod:`reconcile.pipeline` and the
renderers, with its standard streams (:mod:`.streams`). It is the only part of the package
that imports click."""
