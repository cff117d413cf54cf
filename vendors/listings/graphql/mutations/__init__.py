"""One mutation per file; each parses input, checks who may act, calls one service."""
