"""Structural change: productivity decompositions, employment elasticities, shift-share and peer comparison."""
