"""Presentation helpers for reports: generated exercise figures."""
