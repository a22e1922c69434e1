from django.urls import path

from jixiao.web.ledger import views

app_name = "ledger"
urlpatterns = [
    path("", views.flow_list, name="list"),
    path("flows.xlsx", views.flow_export, name="export"),
    path("<int:pk>/", views.flow_detail, name="detail"),
]
