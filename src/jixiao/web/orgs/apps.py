from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "jixiao.web.orgs"
    label = "orgs"
    verbose_name = "组织与人员"

    def ready(self) -> None:
        from .. import deploychecks  # noqa: F401 - registers check --deploy's checks of the platform
