from django.urls import URLPattern

app_name = "summaries"
urlpatterns: list[URLPattern] = []
