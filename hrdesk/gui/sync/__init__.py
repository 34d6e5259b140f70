"""The GUI of sync: the Sync section, the background runner, and the conflict resolver."""
