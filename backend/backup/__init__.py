"""Backup and restore of a whole deployment (evidence backup / evidence restore)."""
