from django.urls import URLPattern

app_name = "subsidies"
urlpatterns: list[URLPattern] = []
