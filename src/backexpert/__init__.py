"""BackExpert."""
