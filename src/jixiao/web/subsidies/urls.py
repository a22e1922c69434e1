from django.urls import path

from jixiao.web.subsidies import views

app_name = "subsidies"
urlpatterns = [
    path("", views.policy_list, name="policy_list"),
    path("new/", views.policy_new, name="policy_new"),
    path("<int:pk>/", views.policy_detail, name="policy_detail"),
    path("<int:pk>/apply/", views.apply, name="apply"),
    path("<int:pk>/blacklist/", views.blacklist, name="blacklist"),
    path("<int:pk>/notice/", views.notice, name="notice"),
    path("<int:pk>/notice.<str:fmt>", views.notice_export, name="notice_export"),
    path("<int:pk>/history/", views.policy_history, name="policy_history"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/decide/", views.application_decide, name="application_decide"),
    path(
        "applications/<int:pk>/attachments/<int:attachment>/",
        views.attachment_download,
        name="attachment_download",
    ),
]
