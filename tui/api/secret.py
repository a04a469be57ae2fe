"""A string that never shows itself: the access token's type.

Textual's crash report and Rich's tracebacks print local variables, loggers print arguments,
and dataclass reprs print fields. A token held as a plain ``str`` leaks through any of them, so
it is held as a :class:`Secret` from the moment it is read (environment, keyring, sign-in) and
only :meth:`Secret.reveal` gives the text back, at the one place that builds the
``Authorization`` header.
"""

from __future__ import annotations

import hmac
from typing import NoReturn

MASK = "********"
"""What a non-empty secret prints as."""


class Secret:
    """A masked string: ``repr``/``str``/``format`` show :data:`MASK`; it cannot be pickled."""

    __slots__ = ("_value",)

    _value: str

    def __init__(self, value: str | Secret = "") -> None:
        text = value.reveal() if isinstance(value, Secret) else value
        if not isinstance(text, str):
            raise TypeError("a Secret holds a string")
        object.__setattr__(self, "_value", text.strip())

    @classmethod
    def of(cls, value: str | Secret | None) -> Secret:
        """``value`` as a Secret (an existing one is returned as it is; None is empty)."""
        if isinstance(value, Secret):
            return value
        return cls(value or "")

    def reveal(self) -> str:
        """The text itself. Call it only where the token must leave the process."""
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __len__(self) -> int:
        return len(self._value)

    def __repr__(self) -> str:
        return f"Secret({MASK!r})" if self._value else "Secret('')"

    def __str__(self) -> str:
        return MASK if self._value else ""

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Secret):
            other = other._value
        if not isinstance(other, str):
            return NotImplemented
        # Constant-time, like any comparison of credentials.
        return hmac.compare_digest(self._value.encode(), other.encode())

    def __hash__(self) -> int:
        return hash((Secret, self._value))

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError("a Secret cannot be changed")

    def __reduce__(self) -> NoReturn:
        raise TypeError("a Secret is not pickled or copied into another process")

    def __copy__(self) -> Secret:
        return self

    def __deepcopy__(self, memo: object) -> Secret:
        return self
