"""Exercise pictures: start and end positions drawn as SVG from each exercise's pose.

Licence-clean (our own code and pose data, `rules/poses.yaml`) and deterministic: the same pose
gives byte-identical SVG, rendered the same in HTML and in PDF.
"""

from __future__ import annotations

from .cards import card_figures, figure_svg, place

__all__ = ["card_figures", "figure_svg", "place"]
