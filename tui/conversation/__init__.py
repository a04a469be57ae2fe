"""The conversation tree and what a message shows: pure functions, no I/O, no Textual."""
