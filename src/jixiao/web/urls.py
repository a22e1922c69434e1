from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from jixiao.web.orgs.home import home
from jixiao.web.orgs.login import LoginView

urlpatterns = [
    path("", home, name="home"),
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("evaluations/", include("jixiao.web.evaluations.urls")),
    path("funds/", include("jixiao.web.funds.urls")),
    path("indicators/", include("jixiao.web.indicators.urls")),
    path("summaries/", include("jixiao.web.summaries.urls")),
    path("jobs/", include("jixiao.web.jobs.urls")),
    path("allocations/", include("jixiao.web.allocations.urls")),
    path("subsidies/", include("jixiao.web.subsidies.urls")),
    path("cofunding/", include("jixiao.web.cofunding.urls")),
    path("pilots/", include("jixiao.web.pilots.urls")),
    path("ledger/", include("jixiao.web.ledger.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
