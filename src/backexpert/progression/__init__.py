"""The progression pipeline: session logs in, trends, flags and the next session out, explained."""
