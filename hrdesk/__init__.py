"""hrdesk: offline-first, encrypted case management for human-rights organizations."""

__version__ = "0.1.0"
