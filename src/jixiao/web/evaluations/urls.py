from django.urls import path

from jixiao.web.evaluations import views

app_name = "evaluations"
urlpatterns = [
    path("", views.evaluation_list, name="list"),
    path("<int:pk>/", views.evaluation_detail, name="detail"),
    path("<int:pk>/audit.json", views.evaluation_audit_json, name="audit_json"),
    path("<int:pk>/rows/<str:key>/", views.evaluation_row_update, name="row_update"),
    path("<int:pk>/transition/", views.evaluation_transition, name="transition"),
    path("<int:pk>/history/", views.evaluation_history, name="history"),
]
