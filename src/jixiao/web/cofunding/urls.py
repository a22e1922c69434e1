from django.urls import URLPattern

app_name = "cofunding"
urlpatterns: list[URLPattern] = []
