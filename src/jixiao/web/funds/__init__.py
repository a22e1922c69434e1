"""Special funds, projects and their budget lines."""
