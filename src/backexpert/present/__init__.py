"""Presenting results to people: views, wording, charts, the terminal, HTML and PDF."""
