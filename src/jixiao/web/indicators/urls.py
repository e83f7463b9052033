"""URL patterns of 指标库 (included at the site root by jixiao.web.urls)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
