//! `raw` end to end: both directions, endings, -C, -t, --listen, a terminal.
