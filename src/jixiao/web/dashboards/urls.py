"""URL patterns of 财政局看板 (included at the site root by jixiao.web.urls)."""

from django.urls import path

from . import views

urlpatterns: list = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/department/<int:department>/", views.department, name="dashboard_department"),
    path("dashboard/export/<str:table>.<str:fmt>", views.export, name="dashboard_export"),
]
