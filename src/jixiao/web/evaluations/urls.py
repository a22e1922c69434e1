from django.urls import path

from jixiao.web.evaluations import import_views, narrative_views, report_views, views
from jixiao.web.evaluations.exports import evaluation_export

app_name = "evaluations"
urlpatterns = [
    path("", views.evaluation_list, name="list"),
    path("<int:pk>/", views.evaluation_detail, name="detail"),
    path("<int:pk>/audit.json", views.evaluation_audit_json, name="audit_json"),
    path("<int:pk>/rows/<str:key>/", views.evaluation_row_update, name="row_update"),
    path("<int:pk>/transition/", views.evaluation_transition, name="transition"),
    path("<int:pk>/history/", views.evaluation_history, name="history"),
]
urlpatterns += [
    path("<int:pk>/indicators/add/", views.evaluation_indicator_add, name="indicator_add"),
    path(
        "<int:pk>/indicators/add-from-library/",
        views.evaluation_indicator_add_from_library,
        name="indicator_add_from_library",
    ),
    path(
        "<int:pk>/rows/<str:key>/remove/",
        views.evaluation_indicator_remove,
        name="indicator_remove",
    ),
    path("<int:pk>/rows/<str:key>/move/", views.evaluation_indicator_move, name="indicator_move"),
    path(
        "<int:pk>/rows/<str:key>/weight/",
        views.evaluation_indicator_weight,
        name="indicator_weight",
    ),
    path(
        "<int:pk>/rows/<str:key>/rename/",
        views.evaluation_indicator_rename,
        name="indicator_rename",
    ),
]
urlpatterns += [
    path(
        "<int:pk>/export/<str:table>.<str:fmt>",
        evaluation_export,
        name="export",
    ),
]
urlpatterns += [
    path("<int:pk>/report.<str:fmt>", report_views.evaluation_report, name="report"),
    path("<int:pk>/charts/<str:kind>.png", report_views.evaluation_chart, name="chart"),
    path("<int:pk>/report/", narrative_views.report_page, name="report_page"),
    path("<int:pk>/report/narrative/", narrative_views.narrative_update, name="narrative"),
    path("<int:pk>/case.yaml", narrative_views.case_file, name="case_file"),
]
urlpatterns += [
    path("import/", import_views.import_upload, name="import"),
    path("import/confirm/", import_views.import_confirm, name="import_confirm"),
]
