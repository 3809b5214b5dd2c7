"""Counterfactual estimators: what the outcome would have been without the policy, and how sure we can be."""
