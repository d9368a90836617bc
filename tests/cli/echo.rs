//! `echo serve`, `echo send` and `echo bench` end to end, and their interoperability.
