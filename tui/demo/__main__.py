"""``python -m tui.demo``: the same as ``backchat serve-demo``."""

from tui.demo.cli import main

raise SystemExit(main())
