from django.urls import path

from jixiao.web.indicators import views

app_name = "indicators"
urlpatterns = [
    path("templates/", views.template_list, name="template_list"),
    path("templates/<int:pk>/new/", views.template_new, name="template_new"),
]
