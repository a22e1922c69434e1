"""The one place that decides who may see and do what with an evaluation. Fails closed.

Every view, export, API call and background task goes through :func:`visible_evaluations`
or :func:`get_evaluation` (projects: :func:`visible_projects`/:func:`get_project`; department
summaries: :func:`visible_departments`/:func:`get_department`): an evaluation a user may not see is answered with 404 (it does not
exist for them); one they may see but not act on is answered with 403.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from jixiao.web.orgs.models import Membership, Organisation
from jixiao.web.orgs.roles import ROLE_FLAGS, Flag, Role

if TYPE_CHECKING:
    from jixiao.web.evaluations.models import Evaluation
    from jixiao.web.funds.models import Project
    from jixiao.web.jobs.models import Job

SUPERVISOR_WITHHELD = frozenset({Flag.EDIT_EVALUATION})  # above the owner: look and review only


def _memberships(user: Any) -> list[Membership]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached: list[Membership] | None = getattr(user, "_jixiao_memberships", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user).select_related("organisation__region"))
        user._jixiao_memberships = cached
    return cached


def _scope(membership: Membership) -> Q:
    """The evaluations one membership opens, as conditions on the owner's id (an indexed
    foreign key) computed from the small organisation table — never a join per row.
    """
    if membership.role == Role.EVALUATOR:
        from jixiao.web.evaluations.models import Evaluation

        assigned = Evaluation.evaluators.through.objects.filter(user_id=membership.user_id)
        return Q(pk__in=assigned.values("evaluation_id"))
    return Q(owner_id__in=_owner_ids(membership))


def _owner_ids(membership: Membership) -> list[int] | QuerySet[Organisation, Any]:
    """The organisations whose records one membership opens: its own organisation, and for a
    财政局 every organisation of its region subtree, for a 主管部门 its organisation subtree.

    A subquery on the small organisation table (or the one id): the database looks the owners
    up once and then uses the index on ``owner_id``, instead of joining every row to its owner
    (and region) or testing an OR per row.
    """
    org = membership.organisation
    if org.kind == Organisation.Kind.FINANCE_BUREAU:
        scope = Q(pk=org.pk) | Q(region__path__startswith=org.region.path)
    elif org.sees_subtree:
        scope = Q(pk=org.pk) | Q(path__startswith=org.path)
    else:
        return [org.pk]
    return Organisation.objects.filter(scope).values("pk")


def visible_evaluations(user: Any) -> QuerySet[Evaluation]:
    """Every evaluation ``user`` may see; empty for anyone without a membership."""
    from jixiao.web.evaluations.models import Evaluation

    memberships = _memberships(user)
    if not memberships:
        return Evaluation.objects.none()
    scope = Q()
    for membership in memberships:
        scope |= _scope(membership)
    return Evaluation.objects.filter(scope)  # no joins: each evaluation appears once


def flags_for(user: Any, evaluation: Evaluation) -> frozenset[Flag]:
    """The flags ``user`` holds on this evaluation, through any of their memberships."""
    flags: set[Flag] = set()
    for membership in _memberships(user):
        org = membership.organisation
        role_flags = ROLE_FLAGS[membership.role]
        if membership.role == Role.EVALUATOR:
            if evaluation.evaluators.filter(pk=membership.user_id).exists():
                flags |= role_flags
        elif evaluation.owner_id == org.pk:
            flags |= role_flags
        elif _supervises(org, evaluation.owner):
            flags |= role_flags - SUPERVISOR_WITHHELD
    return frozenset(flags)


def _supervises(org: Organisation, owner: Organisation) -> bool:
    if org.kind == Organisation.Kind.FINANCE_BUREAU:
        return owner.region.path.startswith(org.region.path)
    return org.sees_subtree and owner.path.startswith(org.path)


def get_evaluation(user: Any, pk: int, flag: Flag = Flag.VIEW_EVALUATION) -> Evaluation:
    """The evaluation, if ``user`` may see it (else 404) and holds ``flag`` on it (else 403)."""
    evaluation = (  # the region chain up to the province: its full name prints on the page
        visible_evaluations(user)
        .select_related("owner__region__parent__parent")
        .filter(pk=pk)
        .first()
    )
    if evaluation is None:
        raise Http404
    if flag not in flags_for(user, evaluation):
        raise PermissionDenied
    return evaluation


# Projects, departments: the same owner scopes as evaluations, never through an assignment ----


def _owner_scope(membership: Membership, prefix: str = "") -> Q | None:
    """What a membership sees among things owned by organisations (``prefix`` leads to the
    owning organisation, e.g. ``"owner__"``); None for an evaluator, who sees only assignments.
    """
    if membership.role == Role.EVALUATOR or Flag.VIEW_EVALUATION not in ROLE_FLAGS[membership.role]:
        return None
    return Q(**{f"{prefix}pk__in": _owner_ids(membership)})


def _owner_scopes(user: Any, prefix: str) -> Q | None:
    scopes = [s for m in _memberships(user) if (s := _owner_scope(m, prefix)) is not None]
    if not scopes:
        return None
    combined = Q()
    for scope in scopes:
        combined |= scope
    return combined


def visible_projects(user: Any) -> QuerySet[Project]:
    """Every project ``user`` may see: its own organisation's, a 主管部门's organisation subtree,
    a 财政局's region subtree. Empty for evaluators and anyone without a membership."""
    from jixiao.web.funds.models import Project

    scope = _owner_scopes(user, "owner__")
    if scope is None:
        return Project.objects.none()
    return Project.objects.filter(scope)


def get_project(user: Any, pk: int) -> Project:
    """The project, if ``user`` may see it; else 404."""
    project = (
        visible_projects(user)
        .select_related("owner__region__parent__parent", "fund")
        .filter(pk=pk)
        .first()
    )
    if project is None:
        raise Http404
    return project


def visible_departments(user: Any) -> QuerySet[Organisation]:
    """The 主管部门 whose evaluations ``user`` may see (their members, a 主管部门 above them, the
    财政局 of their region or one above it): who may open their 部门绩效自评结果汇总表."""
    scope = _owner_scopes(user, "")
    if scope is None:
        return Organisation.objects.none()
    return Organisation.objects.filter(scope, kind=Organisation.Kind.DEPARTMENT)


def get_department(user: Any, pk: int) -> Organisation:
    """The 主管部门, if ``user`` may see its evaluations; else 404 (also for a non-department)."""
    department = (
        visible_departments(user).select_related("region__parent__parent").filter(pk=pk).first()
    )
    if department is None:
        raise Http404
    return department


# Records owned by an organisation (allocation runs, subsidy policies, co-funding plans…) ------


def visible_owned(user: Any, queryset: QuerySet[Any], prefix: str = "owner__") -> QuerySet[Any]:
    """The records of ``queryset`` that ``user`` may see, by the same owner scopes as projects
    (``prefix`` leads to the owning organisation). Empty for evaluators and non-members."""
    scope = _owner_scopes(user, prefix)
    if scope is None:
        return queryset.none()
    return queryset.filter(scope)


def get_owned(user: Any, queryset: QuerySet[Any], pk: int, prefix: str = "owner__") -> Any:
    """The record, if ``user`` may see it; else 404."""
    record = visible_owned(user, queryset, prefix).filter(pk=pk).first()
    if record is None:
        raise Http404
    return record


def flags_for_owner(user: Any, owner: Organisation) -> frozenset[Flag]:
    """The flags ``user`` holds on what ``owner`` owns: full role flags as its member, the
    role flags less editing from a supervising 主管部门 or 财政局. Evaluators hold none."""
    flags: set[Flag] = set()
    for membership in _memberships(user):
        if membership.role == Role.EVALUATOR:
            continue
        org = membership.organisation
        role_flags = ROLE_FLAGS[membership.role]
        if org.pk == owner.pk:
            flags |= role_flags
        elif _supervises(org, owner):
            flags |= role_flags - SUPERVISOR_WITHHELD
    return frozenset(flags)


def require_owner_flag(user: Any, owner: Organisation, flag: Flag) -> None:
    """403 unless ``user`` holds ``flag`` on what ``owner`` owns (call after a 404 check)."""
    if flag not in flags_for_owner(user, owner):
        raise PermissionDenied


def member_organisations(user: Any, flag: Flag) -> QuerySet[Organisation]:
    """Organisations ``user`` is a member of with a role carrying ``flag`` (evaluators left
    out): where they may create a record needing that flag."""
    ids = [
        m.organisation_id
        for m in _memberships(user)
        if m.role != Role.EVALUATOR and flag in ROLE_FLAGS[m.role]
    ]
    return Organisation.objects.filter(pk__in=ids).select_related("region").order_by("name")


# Creating evaluations ---------------------------------------------------------------------------


def has_membership(user: Any) -> bool:
    """May use the platform at all (browse templates…): an active account with a membership."""
    return bool(_memberships(user))


def creatable_organisations(user: Any) -> QuerySet[Organisation]:
    """Organisations ``user`` may create an evaluation for: through a membership of that
    organisation whose role carries ``can_edit_evaluation``. An 评价人 is left out: their edit
    right is per assigned evaluation, never per organisation.
    """
    roles = [
        str(role)
        for role, flags in ROLE_FLAGS.items()
        if Flag.EDIT_EVALUATION in flags and role != Role.EVALUATOR
    ]
    ids = [m.organisation_id for m in _memberships(user) if m.role in roles]
    return Organisation.objects.filter(pk__in=ids).select_related("region").order_by("name")


# Background jobs (jobs app): a job is its owner's alone ------------------------------------------


def job_organisations(user: Any) -> QuerySet[Organisation]:
    """Organisations ``user`` may start a job for (a batch audit…): any they are a member of.
    Empty for anonymous, inactive and membership-less users."""
    ids = [m.organisation_id for m in _memberships(user)]
    return Organisation.objects.filter(pk__in=ids).order_by("name")


def may_run_job(user: Any, job: Job) -> bool:
    """Whether ``job`` may run (or be shown) for ``user``: they own it, are active, and still
    belong to the organisation it was started for. Background tasks check this again."""
    if not getattr(user, "is_authenticated", False) or job.owner_id != user.pk:
        return False
    return any(m.organisation_id == job.organisation_id for m in _memberships(user))


def visible_jobs(user: Any) -> QuerySet[Job]:
    """The jobs ``user`` started, for organisations they still belong to; nobody else's."""
    from jixiao.web.jobs.models import Job

    ids = [m.organisation_id for m in _memberships(user)]
    if not ids:
        return Job.objects.none()
    return Job.objects.filter(owner=user.pk, organisation__in=ids)


def get_job(user: Any, pk: int) -> Job:
    """The job, if ``user`` owns it (else 404: another user's job does not exist for them)."""
    job = visible_jobs(user).filter(pk=pk).first()
    if job is None:
        raise Http404
    return job


# Subsidy applications (subsidies app): policies by owner scope or by the applicant's region ----


def applicant_organisations(user: Any) -> QuerySet[Organisation]:
    """The 企业 ``user`` may apply for: member with a role that may edit (填报人, 管理员)."""
    return member_organisations(user, Flag.EDIT_EVALUATION).filter(
        kind=Organisation.Kind.ENTERPRISE
    )


def policy_applicants(user: Any, policy: Any) -> QuerySet[Organisation]:
    """The 企业 ``user`` may apply to ``policy`` for: theirs, in the owner's region subtree."""
    return applicant_organisations(user).filter(region__path__startswith=policy.owner.region.path)


def policy_owners(user: Any) -> QuerySet[Organisation]:
    """The 主管部门 ``user`` may create subsidy policies for (a member who may edit)."""
    return member_organisations(user, Flag.EDIT_EVALUATION).filter(
        kind=Organisation.Kind.DEPARTMENT
    )


def _enterprise_ids(user: Any) -> list[int]:
    """Enterprises ``user`` belongs to with a viewing role (their applications are theirs)."""
    return [
        m.organisation_id
        for m in _memberships(user)
        if m.organisation.kind == Organisation.Kind.ENTERPRISE
        and m.role != Role.EVALUATOR
        and Flag.VIEW_EVALUATION in ROLE_FLAGS[m.role]
    ]


def _applicable_scope(user: Any) -> Q | None:
    """Policies open to the user's enterprises: owned in the enterprise's region or above it."""
    enterprises = set(_enterprise_ids(user))
    paths: set[str] = set()
    for membership in _memberships(user):
        if membership.organisation_id in enterprises:
            parts = membership.organisation.region.path.strip("/").split("/")
            paths |= {"/" + "/".join(parts[:n]) + "/" for n in range(1, len(parts) + 1)}
    return Q(owner__region__path__in=sorted(paths)) if paths else None


def visible_subsidy_policies(user: Any) -> QuerySet[Any]:
    """Policies ``user`` may see: as the owner (主管部门) or above it (财政局…), or as an
    enterprise of the owner's region that may apply. Empty for everyone else."""
    from jixiao.web.subsidies.models import SubsidyPolicy

    scopes = [s for s in (_owner_scopes(user, "owner__"), _applicable_scope(user)) if s]
    if not scopes:
        return SubsidyPolicy.objects.none()
    combined = Q()
    for scope in scopes:
        combined |= scope
    return SubsidyPolicy.objects.filter(combined)


def get_subsidy_policy(user: Any, pk: int) -> Any:
    """The policy, if ``user`` may see it; else 404."""
    policy = visible_subsidy_policies(user).select_related("owner__region").filter(pk=pk).first()
    if policy is None:
        raise Http404
    return policy


def visible_applications(user: Any) -> QuerySet[Any]:
    """Applications ``user`` may see: all of a policy's for its owner and those above it; an
    enterprise's own for its members; nothing for anyone else."""
    from jixiao.web.subsidies.models import Application

    scope = _owner_scopes(user, "policy__owner__")
    enterprises = _enterprise_ids(user)
    if enterprises:
        mine = Q(applicant_id__in=enterprises)
        scope = mine if scope is None else scope | mine
    if scope is None:
        return Application.objects.none()
    return Application.objects.filter(scope)


def get_application(user: Any, pk: int) -> Any:
    """The application, if ``user`` may see it; else 404."""
    application = (
        visible_applications(user)
        .select_related("policy__owner__region", "category", "applicant")
        .filter(pk=pk)
        .first()
    )
    if application is None:
        raise Http404
    return application


def may_review_subsidies(user: Any, policy: Any) -> bool:
    """Decide applications and upload the blacklist: a 审核人/管理员 of the owner or of a
    supervising 主管部门/财政局."""
    return Flag.REVIEW_EVALUATION in flags_for_owner(user, policy.owner)


def may_see_all_applications(user: Any, policy: Any) -> bool:
    """The owner's side (owner, supervisors): sees every application, the 公示 list, exports."""
    return Flag.VIEW_EVALUATION in flags_for_owner(user, policy.owner)


def require_subsidy_review(user: Any, policy: Any) -> None:
    """403 unless ``user`` may decide the policy's applications (call after the 404 check)."""
    if not may_review_subsidies(user, policy):
        raise PermissionDenied


def require_policy_side(user: Any, policy: Any) -> None:
    """403 unless ``user`` is on the owner's side of ``policy`` (an applicant is not)."""
    if not may_see_all_applications(user, policy):
        raise PermissionDenied


# Park pilot programme (pilots app, seed 003): a park its own, a county its parks, the province all


def visible_pilot_parks(user: Any) -> QuerySet[Any]:
    """Pilot parks ``user`` may see: members of the park (园区), the county's 经信局 above it
    (organisation tree) or 财政局 (region), the province's 经信厅 above the county bureaus."""
    from jixiao.web.pilots.models import Park

    return visible_owned(user, Park.objects.all())


def get_pilot_park(user: Any, pk: int, flag: Flag = Flag.VIEW_EVALUATION) -> Any:
    """The park if ``user`` may see it (else 404) and holds ``flag`` on it (else 403)."""
    from jixiao.web.pilots.models import Park

    park = get_owned(
        user, Park.objects.select_related("owner__region", "county", "programme__owner"), pk
    )
    require_owner_flag(user, park.owner, flag)
    return park


def visible_pilot_programmes(user: Any) -> QuerySet[Any]:
    """Programmes ``user`` may see: as (or above) the owner, or through a park they see."""
    from jixiao.web.pilots.models import Programme

    owned = visible_owned(user, Programme.objects.all()).values("pk")
    parks = visible_pilot_parks(user).values("programme_id")
    return Programme.objects.filter(Q(pk__in=owned) | Q(pk__in=parks))


def get_pilot_programme(user: Any, pk: int) -> Any:
    """The programme, if ``user`` may see it; else 404."""
    programme = visible_pilot_programmes(user).select_related("owner").filter(pk=pk).first()
    if programme is None:
        raise Http404
    return programme


def may_review_pilot_park(user: Any, park: Any) -> bool:
    """The county's part (四（二）、五（二）): a 审核人/管理员 of a bureau of the park's own county
    region that supervises it (经信局 above it, 财政局 of its region); not the park, not the
    province."""
    for membership in _memberships(user):
        org = membership.organisation
        if (
            membership.role != Role.EVALUATOR
            and Flag.REVIEW_EVALUATION in ROLE_FLAGS[membership.role]
            and org.pk != park.owner_id
            and org.region_id == park.owner.region_id
            and _supervises(org, park.owner)
        ):
            return True
    return False


def may_decide_pilot_final(user: Any, park: Any) -> bool:
    """The province's part (五（三）): a 审核人/管理员 of the programme's owner (省经信厅)."""
    return any(
        m.organisation_id == park.programme.owner_id
        and m.role != Role.EVALUATOR
        and Flag.REVIEW_EVALUATION in ROLE_FLAGS[m.role]
        for m in _memberships(user)
    )


def require_pilot_review(user: Any, park: Any) -> None:
    """403 unless ``user`` may act for the park's county (call after the 404 check)."""
    if not may_review_pilot_park(user, park):
        raise PermissionDenied


def pilot_member_ids(user: Any) -> set[int]:
    """Ids of the organisations ``user`` belongs to with a role that may edit or review."""
    return {
        m.organisation_id
        for m in _memberships(user)
        if m.role != Role.EVALUATOR
        and ROLE_FLAGS[m.role] & {Flag.EDIT_EVALUATION, Flag.REVIEW_EVALUATION}
    }
