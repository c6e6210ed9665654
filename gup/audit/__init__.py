"""Audit trail of domain records (history shown on each record page)."""
