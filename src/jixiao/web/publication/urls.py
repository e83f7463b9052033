"""URL patterns of 公开与结果应用 (included at the site root by jixiao.web.urls)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
