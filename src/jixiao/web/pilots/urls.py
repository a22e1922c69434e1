from django.urls import path

from jixiao.web.pilots import views

app_name = "pilots"
urlpatterns = [
    path("", views.home, name="home"),
    path("programmes/<int:pk>/", views.programme_detail, name="programme"),
    path("programmes/<int:pk>/deadlines/", views.deadline_submit, name="deadline_submit"),
    path(
        "programmes/<int:pk>/counties/<int:county>/liaison.<str:fmt>",
        views.liaison_export,
        name="liaison_export",
    ),
    path(
        "programmes/<int:pk>/counties/<int:county>/summaries/",
        views.summaries,
        name="summaries",
    ),
    path(
        "programmes/<int:pk>/counties/<int:county>/summaries/<int:summary>/",
        views.summary_download,
        name="summary_download",
    ),
    path("parks/<int:pk>/", views.park_detail, name="park"),
    path("parks/<int:pk>/targets/", views.targets, name="targets"),
    path("parks/<int:pk>/changes/<int:number>/", views.change_decide, name="change_decide"),
    path("parks/<int:pk>/plan/", views.plan, name="plan"),
    path("parks/<int:pk>/plan/action/", views.plan_action, name="plan_action"),
    path("parks/<int:pk>/catalogue/", views.catalogue_add, name="catalogue_add"),
    path(
        "parks/<int:pk>/catalogue/<int:entry>/remove/",
        views.catalogue_remove,
        name="catalogue_remove",
    ),
    path("parks/<int:pk>/records/", views.records, name="records"),
    path("parks/<int:pk>/records/<int:record>/", views.record_detail, name="record"),
    path(
        "parks/<int:pk>/records/<int:record>/evidence/<int:evidence>/",
        views.evidence_download,
        name="evidence_download",
    ),
    path("parks/<int:pk>/quarters/<int:number>/", views.report, name="report"),
    path("parks/<int:pk>/tranches/", views.tranches, name="tranches"),
    path("parks/<int:pk>/mid-term/", views.mid_term, name="mid_term"),
    path("parks/<int:pk>/final.<str:fmt>", views.final_export, name="final_export"),
    path("parks/<int:pk>/mid-term.<str:fmt>", views.mid_term_export, name="mid_term_export"),
]
