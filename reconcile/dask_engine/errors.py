"""The one error the Dask engine raises for bad input: what went wrong, where, and what
was expected, for the command line to print (exit 2) without a traceback."""

from __future__ import annotations

__all__ = ["DaskEngineError"]


class DaskEngineError(Exception):
    """Bad input to the Dask engine (an unreachable scheduler, a bad option).

    ``where`` names the thing at fault (an address, an option); ``expected`` says what
    would do.
    """

    def __init__(self, message: str, *, where: str | None = None, expected: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.where = where
        self.expected = expected

    def render(self) -> str:
        """``where: message (expected: …)``, on one line."""
        text = f"{self.where}: {self.message}" if self.where else self.message
        return f"{text} (expected: {self.expected})" if self.expected else text
