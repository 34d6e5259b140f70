"""PDF dossiers: a case rendered for an audience (see ARCHITECTURE.md)."""
