"""The Cases section: the list, quick intake, and the case view with its tabs."""
