"""Text helpers every layer shares: the sanitiser and the time formatters (pure)."""
