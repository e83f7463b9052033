"""URL patterns of 批量任务 (included at the site root by jixiao.web.urls)."""

from django.urls import path

from . import views

urlpatterns: list = [
    path("jobs/", views.jobs, name="jobs"),
    path("jobs/import/", views.import_, name="jobs_import"),
    path("jobs/render/", views.render_, name="jobs_render"),
    path("jobs/<int:job>/", views.job, name="job"),
    path("jobs/<int:job>/progress/", views.progress, name="job_progress"),
    path("jobs/<int:job>/report.csv", views.report, name="job_report"),
    path("jobs/<int:job>/download/", views.download, name="job_download"),
    path("jobs/<int:job>/cancel/", views.cancel, name="job_cancel"),
]
