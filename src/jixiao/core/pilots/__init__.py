"""The park precise-service pilot programme of seed ``003`` (园区精准服务中小微企业财政专项激励试点).

Pure rules: the programme and its parks' 绩效目标清单 (:mod:`.programme`), the schedule table
and the deadlines it gives (:mod:`.schedule`, :mod:`.deadlines`), the institution catalogue
(:mod:`.institutions`), the 附件1 evidence checklist (:mod:`.evidence`), service records and
quarterly progress (:mod:`.records`), the county's reviews (:mod:`.reviews`), tranche payments
(:mod:`.tranches`), the evaluations (:mod:`.evaluation`) and the money flows they cause
(:mod:`.flows`). Amounts are 万元; see docs/pilots.md.
"""
