"""Files in and out: case files, rule-set tables, Excel, Word, PDF. Depends on core only."""
