"""Who sees what: every URL × every persona, and the permission flags behind them.

An evaluation a user may not see is a 404 (it does not exist for them), by URL, by export,
in the list and in search results; one they may see but not act on is a 403.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from web_world import GUARANTEE_SEED, make_org, make_region, make_user, seed

from jixiao.web.evaluations.services import import_case_file
from jixiao.web.orgs.models import Organisation, Region
from jixiao.web.orgs.permissions import flags_for, get_evaluation, visible_evaluations
from jixiao.web.orgs.roles import Flag, Role

pytestmark = pytest.mark.django_db

DETAIL_URLS = ["evaluations:detail", "evaluations:audit_json"]

# persona → the evaluations (world.evaluations keys) it may see; everything else is a 404.
VISIBLE = {
    "owner": {"jx", "unit"},  # own + the project unit below the department
    "viewer": {"jx", "unit"},
    "reviewer": {"jx", "unit"},  # 财政局: the whole 嘉兴 region, never 湘潭
    "outsider": {"xt"},  # 湘潭: only its own county
    "evaluator": {"xt"},  # only the assigned evaluation
    "unit_editor": {"unit"},  # a project unit does not see its department's evaluation
    "nobody": set(),  # an account without a membership
}
LOGGED_OUT = ["anonymous", "inactive"]  # an inactive user's session does not authenticate
EVALUATIONS = ["jx", "unit", "xt"]


def persona(world, name):
    return None if name == "anonymous" else getattr(world, name)


def list_pks(response) -> set[int]:
    return {evaluation.pk for evaluation in response.context["page"].object_list}


# --- anonymous and inactive: sent to the login page -------------------------------------------


@pytest.mark.parametrize("who", LOGGED_OUT)
@pytest.mark.parametrize("url_name", DETAIL_URLS)
@pytest.mark.parametrize("key", EVALUATIONS)
def test_logged_out_detail_urls_redirect_to_login(world, login, who, url_name, key):
    url = reverse(url_name, args=[world.evaluations[key].pk])
    response = login(persona(world, who)).get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


@pytest.mark.parametrize("who", LOGGED_OUT)
def test_logged_out_list_redirects_to_login(world, login, who):
    response = login(persona(world, who)).get(reverse("evaluations:list"))
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/evaluations/"


def test_home_redirects_to_the_list(login):
    response = login(None).get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("evaluations:list")


# --- detail and export: 200 when visible, 404 otherwise -----------------------------------------


@pytest.mark.parametrize("who", sorted(VISIBLE))
@pytest.mark.parametrize("url_name", DETAIL_URLS)
@pytest.mark.parametrize("key", EVALUATIONS)
def test_detail_and_export_by_persona(world, login, who, url_name, key):
    response = login(persona(world, who)).get(reverse(url_name, args=[world.evaluations[key].pk]))
    assert response.status_code == (200 if key in VISIBLE[who] else 404)


@pytest.mark.parametrize("url_name", DETAIL_URLS)
def test_unknown_pk_is_404(world, login, url_name):
    missing = max(e.pk for e in world.evaluations.values()) + 1000
    assert login(world.reviewer).get(reverse(url_name, args=[missing])).status_code == 404


# --- the list and search -----------------------------------------------------------------------


@pytest.mark.parametrize("who", sorted(VISIBLE))
def test_list_shows_exactly_the_visible_evaluations(world, login, who):
    response = login(persona(world, who)).get(reverse("evaluations:list"))
    assert response.status_code == 200
    assert list_pks(response) == {world.evaluations[k].pk for k in VISIBLE[who]}
    html = response.content.decode()
    for key in set(EVALUATIONS) - VISIBLE[who]:
        evaluation = world.evaluations[key]
        assert evaluation.title not in html
        assert f'href="{reverse("evaluations:detail", args=[evaluation.pk])}"' not in html


@pytest.mark.parametrize("who", sorted(VISIBLE))
@pytest.mark.parametrize("key", EVALUATIONS)
def test_search_never_reveals_an_invisible_evaluation(world, login, who, key):
    evaluation = world.evaluations[key]
    for query in (evaluation.project, evaluation.title, evaluation.owner.name):
        response = login(persona(world, who)).get(reverse("evaluations:list"), {"q": query})
        assert response.status_code == 200
        pks = list_pks(response)
        if key in VISIBLE[who]:
            assert evaluation.pk in pks
        else:
            assert evaluation.pk not in pks
            link = f'href="{reverse("evaluations:detail", args=[evaluation.pk])}"'
            assert link not in response.content.decode()


def test_nobody_sees_the_empty_list_message(world, login):
    response = login(world.nobody).get(reverse("evaluations:list"))
    assert response.status_code == 200
    assert "没有可查看的绩效评价。" in response.content.decode()


def test_finance_bureau_sees_the_region_subtree_not_only_its_children(world, login):
    """A county under 嘉兴 with an unrelated department: the 嘉兴 财政局 still sees it."""
    nanhu = make_region("南湖区", Region.Level.COUNTY, world.jiaxing)
    county_dept = make_org("南湖区经济信息商务局", Organisation.Kind.DEPARTMENT, nanhu)
    county_eval = import_case_file(seed(GUARANTEE_SEED), county_dept)

    reviewer = login(world.reviewer)
    assert reviewer.get(reverse("evaluations:detail", args=[county_eval.pk])).status_code == 200
    assert county_eval.pk in list_pks(reviewer.get(reverse("evaluations:list")))
    # …but not the 嘉兴 department, which supervises organisations, not regions.
    owner = login(world.owner)
    assert owner.get(reverse("evaluations:detail", args=[county_eval.pk])).status_code == 404


def test_path_prefixes_do_not_leak_to_an_id_with_the_same_leading_digits(world, login):
    """Paths are "/<id>/…/": "/7/" must not match "/70/", for organisations and for regions."""
    dept, jiaxing = world.department, world.jiaxing
    region = Region.objects.create(
        pk=int(f"{jiaxing.pk}0"), name="错位市", level=Region.Level.CITY, parent=world.zhejiang
    )
    org = Organisation.objects.create(
        pk=int(f"{dept.pk}0"), name="相邻部门", kind=Organisation.Kind.DEPARTMENT, region=region
    )
    assert org.path.startswith(f"/{dept.pk}") and not org.path.startswith(dept.path)
    assert region.path.startswith(f"/{world.zhejiang.pk}/{jiaxing.pk}")
    evaluation = import_case_file(seed(GUARANTEE_SEED), org)
    for user in (world.owner, world.reviewer):
        response = login(user).get(reverse("evaluations:detail", args=[evaluation.pk]))
        assert response.status_code == 404
        assert evaluation.pk not in list_pks(login(user).get(reverse("evaluations:list")))


def test_membership_in_two_organisations_sees_the_union(world, login):
    from jixiao.web.orgs.models import Membership

    Membership.objects.create(user=world.unit_editor, organisation=world.xiangtan, role=Role.VIEWER)
    response = login(world.unit_editor).get(reverse("evaluations:list"))
    assert list_pks(response) == {world.unit_eval.pk, world.xt.pk}


def test_assigning_an_evaluator_twice_lists_the_evaluation_once(world, login):
    second = make_user("evaluator2", world.evaluator_org, Role.EVALUATOR)
    world.xt.evaluators.add(second)
    response = login(world.evaluator).get(reverse("evaluations:list"))
    assert [e.pk for e in response.context["page"].object_list] == [world.xt.pk]
    assert response.context["page"].paginator.count == 1


# --- read-only views refuse writes --------------------------------------------------------------


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("url_name", ["evaluations:list", *DETAIL_URLS])
def test_read_only_views_refuse_other_methods(world, login, method, url_name):
    args = [] if url_name == "evaluations:list" else [world.jx.pk]
    response = getattr(login(world.owner), method)(reverse(url_name, args=args))
    assert response.status_code == 405


# --- flags_for and get_evaluation ---------------------------------------------------------------


def test_owner_editor_may_edit_own_evaluation(world):
    flags = flags_for(world.owner, world.jx)
    assert Flag.EDIT_EVALUATION in flags
    assert {Flag.VIEW_EVALUATION, Flag.EXPORT_EVALUATION} <= flags
    assert Flag.REVIEW_EVALUATION not in flags


def test_viewer_may_view_and_export_but_not_edit(world):
    assert flags_for(world.viewer, world.jx) == {Flag.VIEW_EVALUATION, Flag.EXPORT_EVALUATION}


def test_finance_reviewer_reviews_but_does_not_edit(world):
    for evaluation in (world.jx, world.unit_eval):
        flags = flags_for(world.reviewer, evaluation)
        assert Flag.REVIEW_EVALUATION in flags
        assert Flag.VIEW_EVALUATION in flags
        assert Flag.EDIT_EVALUATION not in flags


def test_department_editor_does_not_edit_its_project_units_evaluation(world):
    """Supervisors look and review only: the department editor sees the unit's evaluation…"""
    flags = flags_for(world.owner, world.unit_eval)
    assert Flag.VIEW_EVALUATION in flags
    assert Flag.EDIT_EVALUATION not in flags
    # …and the unit's own editor does edit it.
    assert Flag.EDIT_EVALUATION in flags_for(world.unit_editor, world.unit_eval)


def test_department_admin_does_not_edit_its_project_units_evaluation(world):
    admin = make_user("dept_admin", world.department, Role.ADMIN)
    flags = flags_for(admin, world.unit_eval)
    assert Flag.EDIT_EVALUATION not in flags
    assert Flag.MANAGE_ORGANISATION in flags
    assert Flag.EDIT_EVALUATION in flags_for(admin, world.jx)


def test_evaluator_flags_only_on_the_assigned_evaluation(world):
    assert Flag.EDIT_EVALUATION in flags_for(world.evaluator, world.xt)
    assert flags_for(world.evaluator, world.jx) == frozenset()


@pytest.mark.parametrize("who", ["outsider", "nobody", "inactive"])
def test_no_flags_outside_the_scope(world, who):
    assert flags_for(getattr(world, who), world.jx) == frozenset()


def test_anonymous_has_no_flags_and_sees_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    assert flags_for(AnonymousUser(), world.jx) == frozenset()
    assert not visible_evaluations(AnonymousUser()).exists()


def test_inactive_user_sees_nothing(world):
    assert not visible_evaluations(world.inactive).exists()
    with pytest.raises(Http404):
        get_evaluation(world.inactive, world.jx.pk)


def test_get_evaluation_edit_is_403_for_the_viewer(world):
    assert get_evaluation(world.viewer, world.jx.pk) == world.jx
    with pytest.raises(PermissionDenied):
        get_evaluation(world.viewer, world.jx.pk, Flag.EDIT_EVALUATION)


def test_get_evaluation_edit_is_404_for_the_outsider(world):
    with pytest.raises(Http404):
        get_evaluation(world.outsider, world.jx.pk, Flag.EDIT_EVALUATION)
    with pytest.raises(Http404):
        get_evaluation(world.outsider, world.jx.pk)


def test_get_evaluation_for_the_reviewer(world):
    assert get_evaluation(world.reviewer, world.unit_eval.pk, Flag.REVIEW_EVALUATION)
    with pytest.raises(PermissionDenied):
        get_evaluation(world.reviewer, world.jx.pk, Flag.EDIT_EVALUATION)
    with pytest.raises(Http404):
        get_evaluation(world.reviewer, world.xt.pk, Flag.VIEW_EVALUATION)


def test_get_evaluation_for_the_owner(world):
    assert get_evaluation(world.owner, world.jx.pk, Flag.EDIT_EVALUATION) == world.jx


@pytest.mark.parametrize("who", sorted(VISIBLE))
def test_visible_evaluations_matches_the_table(world, who):
    user = getattr(world, who)
    pks = set(visible_evaluations(user).values_list("pk", flat=True))
    assert pks == {world.evaluations[k].pk for k in VISIBLE[who]}
