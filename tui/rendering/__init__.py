"""Markdown and text to lines for the message pane, the streaming split, GC tuning."""
