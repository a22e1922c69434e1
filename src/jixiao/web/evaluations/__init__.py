"""Evaluations: a table entered (or imported) once, scored by jixiao.core, reviewed."""
