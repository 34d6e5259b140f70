"""Sync: op-log exchange between devices, end-to-end encrypted (see ARCHITECTURE.md)."""
