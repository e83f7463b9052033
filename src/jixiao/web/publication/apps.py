from django.apps import AppConfig


class PublicationConfig(AppConfig):
    name = "jixiao.web.publication"
    label = "publication"
    verbose_name = "公开与结果应用"
