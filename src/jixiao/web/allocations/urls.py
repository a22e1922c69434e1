from django.urls import URLPattern

app_name = "allocations"
urlpatterns: list[URLPattern] = []
