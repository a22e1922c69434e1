from django.urls import path

from jixiao.web.cofunding import views

app_name = "cofunding"
urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("new/", views.plan_new, name="plan_new"),
    path("<int:pk>/", views.plan_detail, name="plan_detail"),
    path("<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("<int:pk>/payments/", views.payment_add, name="payment_add"),
    path("<int:pk>/payments/<int:payment>/remove/", views.payment_remove, name="payment_remove"),
    path("<int:pk>/apply/", views.plan_apply, name="plan_apply"),
    path("<int:pk>/subsidy-total/", views.plan_take_subsidy_total, name="plan_take_subsidy_total"),
    path("<int:pk>/reconciliation.<str:fmt>", views.plan_export, name="export"),
]
