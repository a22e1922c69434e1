from django.urls import path

from jixiao.web.summaries import views

app_name = "summaries"
urlpatterns = [
    path("overview/", views.overview, name="overview"),
    path(
        "department/<int:org_pk>/<int:year>/",
        views.department_summary,
        name="department",
    ),
]
