"""The Django web platform (orgs, funds, evaluations, …); built on jixiao.core and jixiao.io."""
