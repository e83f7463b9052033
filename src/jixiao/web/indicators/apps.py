"""指标库."""
from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "jixiao.web.indicators"
    label = "indicators"
    verbose_name = "指标库"

    def ready(self) -> None:
        from .signals import connect

        connect()
