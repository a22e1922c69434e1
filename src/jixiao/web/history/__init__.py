"""The audit log: every change and transition, with a dotted action code, who, when, before/after."""
