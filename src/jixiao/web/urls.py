"""URL patterns. Every view that shows or changes an evaluation goes through :mod:`jixiao.web.access`;
``tests/web/test_access.py`` walks this list so that a new view cannot escape the isolation test."""

from django.contrib.auth import views as auth
from django.urls import include, path

from .evaluations.views import editing, pages, queue, workflow
from .orgs import views as people

urlpatterns = [
    path("", pages.home, name="home"),
    path("accounts/login/", people.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("evaluations/new/", pages.new, name="new"),
    path("evaluations/<int:pk>/", pages.editor, name="editor"),
    path("evaluations/<int:pk>/analyse/", editing.analyse, name="analyse"),
    path("evaluations/<int:pk>/save/", editing.save, name="save"),
    path("evaluations/<int:pk>/evidence/", editing.upload_evidence, name="evidence"),
    path("evaluations/<int:pk>/download/<str:fmt>/", editing.download, name="download"),
    path("evaluations/<int:pk>/versions/", pages.versions, name="versions"),
    path("evaluations/<int:pk>/versions/compare/", pages.compare, name="compare"),
    path("evaluations/<int:pk>/versions/<int:number>/", pages.version_json, name="version"),
    path("evaluations/<int:pk>/submit/", workflow.submit, name="submit"),
    path("evaluations/<int:pk>/review/", workflow.review, name="review"),
    path("evaluations/<int:pk>/return/", workflow.return_, name="return"),
    path("evaluations/<int:pk>/approve/", workflow.approve, name="approve"),
    path("evaluations/<int:pk>/reopen/", workflow.reopen, name="reopen"),
    path("attachments/<int:pk>/", editing.attachment, name="attachment"),
    path("review/", queue.queue, name="queue"),
    path("bureau/", people.bureau, name="bureau"),
    path("", include("jixiao.web.dashboards.urls")),
    path("", include("jixiao.web.publication.urls")),
    path("", include("jixiao.web.jobs.urls")),
    path("", include("jixiao.web.indicators.urls")),
    path("", include("jixiao.web.api.urls")),
]
