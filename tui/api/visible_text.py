"""The reply's visible text, grown from whole snapshots or from appends at O(new text) a step.

A turn may hold several visible assistant messages (tool use, browsing); each is one *section*
of the text, a blank line after the one before. Classic frames say a message's whole text each
time (:meth:`VisibleText.snapshot`); v1 appends say only the new piece (:meth:`VisibleText.extend`).
Both answer with what a reader must add to the screen, or a rewrite when the new text does not
extend what was shown. Which message is visible is decided by the caller
(:mod:`tui.api.message_rules`); this module knows only text.
"""

from __future__ import annotations

__all__ = ["VisibleText"]

_WINDOW = 64
"""How many characters at each end of the shown text are compared to trust a new snapshot."""


class VisibleText:
    """The turn's visible text: one section per visible assistant message, a blank line apart.

    It is kept as a list of pieces and joined only when read, so growing it costs O(new text).
    Once a later message has started, snapshots of earlier ones are ignored: text already shown
    is never taken back.
    """

    def __init__(self) -> None:
        self._pieces: list[str] = []
        self._length = 0
        self._section: str | None = None
        """Message id of the section that is growing now."""
        self._section_start = 0
        """Where that section's text starts in the whole text."""
        self._section_length = 0
        self._head = ""
        """The section's first ``_WINDOW`` characters."""
        self._tail = ""
        """The section's last ``_WINDOW`` characters."""
        self._closed: set[str] = set()
        """Messages whose sections are finished: later snapshots of them are ignored."""

    def is_current(self, key: str) -> bool:
        """Whether message ``key`` is the section growing now."""
        return self._section == key

    def value(self) -> str:
        """The whole text (joined on demand: O(n) once after each growth)."""
        if len(self._pieces) > 1:
            # Collapse, so reading again without growth in between costs nothing.
            self._pieces = ["".join(self._pieces)]
        return self._pieces[0] if self._pieces else ""

    def snapshot(self, key: str, text: str) -> tuple[str, bool]:
        """Message ``key`` now reads ``text`` in full; returns (delta, whether it is a rewrite).

        A classic snapshot of length n that extends the shown text by k characters must cost
        O(k), not O(n): ``text.startswith(shown)`` would compare all n characters on each of
        thousands of events, quadratic over a long reply. Snapshots are cumulative by the
        protocol, so a longer snapshot is trusted to extend the shown text once its first and
        last ``_WINDOW`` shown characters are where they should be. An edit inside the shown
        text shifts or changes what sits under the tail window, so real rewrites are caught;
        only an edit that keeps both the length order and both windows intact would slip by.
        """
        if key in self._closed:
            return "", False
        if key != self._section:
            if not text:
                # No separator for a message that has shown nothing yet (it may stay empty).
                return "", False
            separator = self._open_section(key)
        else:
            separator = ""
        shown = self._section_length
        if (
            len(text) >= shown
            and text.startswith(self._head)
            and text.startswith(self._tail, shown - len(self._tail))
        ):
            delta = text[shown:]
            self._append(delta)
            self._section_length = len(text)
            if len(self._head) < _WINDOW:
                self._head = text[:_WINDOW]
            self._tail = text[max(0, len(text) - _WINDOW) :]
            return separator + delta, False
        # A rewrite: rare, so one join of the whole text is fine here.
        prefix = self.value()[: self._section_start]
        self._pieces = [prefix, text] if prefix else [text]
        self._length = len(prefix) + len(text)
        self._section_length = len(text)
        self._head = text[:_WINDOW]
        self._tail = text[max(0, len(text) - _WINDOW) :]
        return prefix + text, True

    def extend(self, piece: str) -> str:
        """The current section grew by ``piece`` (a v1 append, trusted as is); returns it."""
        self._append(piece)
        self._section_length += len(piece)
        if len(self._head) < _WINDOW:
            self._head = (self._head + piece)[:_WINDOW]
        self._tail = (self._tail + piece)[-_WINDOW:]
        return piece

    def _open_section(self, key: str) -> str:
        """Close the growing section and start one for ``key``; returns the separator added."""
        if self._section is not None:
            self._closed.add(self._section)
        separator = "\n\n" if self._length else ""
        self._append(separator)
        self._section = key
        self._section_start = self._length
        self._section_length = 0
        self._head = self._tail = ""
        return separator

    def _append(self, piece: str) -> None:
        if piece:
            self._pieces.append(piece)
            self._length += len(piece)
