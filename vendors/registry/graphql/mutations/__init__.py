"""One mutation per file; each parses input, checks the officer permission, calls one service."""
