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
