from django.contrib import admin
from django.urls import include, path

from accord.api.root import api

urlpatterns = [
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("accord.web.urls")),
]
