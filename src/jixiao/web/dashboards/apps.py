from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "jixiao.web.dashboards"
    label = "dashboards"
    verbose_name = "财政局看板"
