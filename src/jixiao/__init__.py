"""Jixiao (绩效): performance management of SME special funds."""
