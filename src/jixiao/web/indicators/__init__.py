"""The indicator library and templates for every framework in the seeds."""
