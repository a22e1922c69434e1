"""The home page leads each demo user to their work (loads the demo in its own module)."""

from __future__ import annotations

from django.urls import reverse


def test_home_leads_each_user_to_their_work(db) -> None:
    from django.test import Client

    from jixiao.web.evaluations import demo

    demo.load(demo_seeds())
    expected = {
        "jx_editor": reverse("evaluations:list"),
        "cuit_evaluator": reverse("evaluations:list"),
        "park_editor": reverse("pilots:home"),
        "county_reviewer": reverse("pilots:home"),
        "county_finance": reverse("pilots:home"),
        "zj_province": reverse("pilots:home"),
        "jy_enterprise": reverse("subsidies:policy_list"),
    }
    for username, location in expected.items():
        client = Client()
        assert client.login(username=username, password=demo.DEMO_PASSWORD), username
        response = client.get("/")
        assert (response.status_code, response["Location"]) == (302, location), username


def demo_seeds():
    from pathlib import Path

    return Path(__file__).resolve().parents[2] / "examples" / "seeds"


def test_the_county_finance_bureau_demo_user_reviews_the_parks(db) -> None:
    from django.test import Client

    from jixiao.web.evaluations import demo
    from jixiao.web.pilots.models import Park

    demo.load(demo_seeds())
    client = Client()
    assert client.login(username="county_finance", password=demo.DEMO_PASSWORD)
    home = client.get(reverse("pilots:home")).content.decode()
    assert "示例县小微企业创业园" in home
    park = Park.objects.get(owner__name="示例县小微企业创业园")
    page = client.get(reverse("pilots:park", args=[park.pk]))
    assert page.status_code == 200
    assert "示例县小微企业创业园" in page.content.decode()
    assert 'id="quarters"' in page.content.decode()
