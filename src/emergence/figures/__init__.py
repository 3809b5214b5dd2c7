"""Publication figures: one module per family of figures, a catalog of them, and deterministic saving."""
