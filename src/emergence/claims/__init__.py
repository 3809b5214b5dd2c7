"""Claims of the reference paper as data: recipes, the ledger, internal consistency, targets, clusters."""
