"""URL patterns of 指标库 (included at the site root by jixiao.web.urls)."""

from django.urls import path

from . import views

urlpatterns = [
    path("indicators/", views.library, name="indicators"),
    path("indicators/search/", views.search_json, name="indicator_search"),
    path("indicators/<int:indicator>/recommend/", views.recommend, name="indicator_recommend"),
]
