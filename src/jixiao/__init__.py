"""Jixiao (绩效): performance management of SME special funds."""

from jixiao import compiled

compiled.install()  # the compiled copies of the hot modules, where built and current
