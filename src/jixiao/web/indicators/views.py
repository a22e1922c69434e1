"""Templates: browse them, and start a draft evaluation from one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from jixiao.io.cases import CaseError
from jixiao.web.core_text.localize import localize
from jixiao.web.indicators.forms import NewEvaluationForm
from jixiao.web.indicators.models import Indicator, Template
from jixiao.web.indicators.services import create_evaluation
from jixiao.web.indicators.trees import count_leaves
from jixiao.web.orgs.permissions import creatable_organisations, has_membership


@require_GET
@login_required
def template_list(request: HttpRequest) -> HttpResponse:
    if not has_membership(request.user):
        raise PermissionDenied
    templates = list(Template.objects.all())
    return render(
        request,
        "indicators/template_list.html",
        {
            "templates": [(t, count_leaves(t.tree)) for t in templates],
            "can_create": creatable_organisations(request.user).exists(),
            "library": Indicator.objects.values("level_path")
            .annotate(count=Count("pk"))
            .order_by("level_path"),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def template_new(request: HttpRequest, pk: int) -> HttpResponse:
    """The form that starts an evaluation: only for organisations where the user may edit."""
    if not creatable_organisations(request.user).exists():
        raise PermissionDenied
    template = get_object_or_404(Template, pk=pk)
    form = NewEvaluationForm(
        request.POST if request.method == "POST" else None, user=request.user, template=template
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            evaluation = create_evaluation(
                template,
                data["owner"],
                title=data["title"],
                project=data["project"],
                year=data["year"],
                kind=data["kind"],
                user=request.user,
                budget=form.budget(),
            )
        except CaseError as error:
            form.add_error(None, localize(str(error)))
        else:
            messages.success(request, _("已按模板“%(name)s”创建评价草稿。") % {"name": template})
            return redirect("evaluations:detail", pk=evaluation.pk)
    return render(request, "indicators/template_new.html", {"template": template, "form": form})
