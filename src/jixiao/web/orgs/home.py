"""The home page: where a user's work is. Evaluations for most; the pilot programme's 待办 for
a park, a county bureau or the province that see parks but no evaluations; the subsidy
policies for an enterprise."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from jixiao.web.orgs.permissions import (
    applicant_organisations,
    visible_evaluations,
    visible_pilot_parks,
)


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_authenticated or visible_evaluations(user).exists():
        return redirect("evaluations:list")  # the list sends a visitor to the login page
    if visible_pilot_parks(user).exists():
        return redirect("pilots:home")
    if applicant_organisations(user).exists():
        return redirect("subsidies:policy_list")
    return redirect("evaluations:list")
