"""Evaluations (annual reviews, mid-term and final evaluations); the lead replaces this placeholder."""
