"""Regions, organisations, memberships and roles — and the one place permissions are decided."""
