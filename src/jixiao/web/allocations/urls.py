from django.urls import path

from jixiao.web.allocations import views

app_name = "allocations"
urlpatterns = [
    path("", views.run_list, name="list"),
    path("new/", views.run_new, name="new"),
    path("<int:pk>/", views.run_detail, name="detail"),
    path("<int:pk>/settings/", views.run_settings, name="settings"),
    path("<int:pk>/candidates/", views.candidate_add, name="candidate_add"),
    path(
        "<int:pk>/candidates/<int:candidate_pk>/remove/",
        views.candidate_remove,
        name="candidate_remove",
    ),
    path("<int:pk>/import/", views.candidate_import, name="import"),
    path("<int:pk>/compute/", views.run_compute, name="compute"),
    path("<int:pk>/confirm/", views.run_confirm, name="confirm"),
    path("<int:pk>/export/<str:fmt>/", views.run_export, name="export"),
]
