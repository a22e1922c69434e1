"""规则集: the rule-set tables an administrator enters in the admin, beside the shipped ones."""
