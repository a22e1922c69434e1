"""Summaries: the department 汇总表 and the finance bureau's overview."""
