"""URL patterns of 财政局看板 (included at the site root by jixiao.web.urls)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
