"""``python -m tui.demo``: the same as ``backchat serve-demo``."""

from tui.demo.serve_command import main

raise SystemExit(main())
