"""Controllers: reading, chatting, replying, exporting, account loading; no widgets, no screens."""
