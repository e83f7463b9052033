"""URL patterns of 开放接口 (included at the site root by jixiao.web.urls): the API under ``api/v1/``
(token authentication; ``tests/web/test_api_isolation.py`` walks it) and the token page (session login;
``tests/web/test_access.py`` walks it)."""

from django.urls import path

from . import pages
from .endpoints import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("accounts/tokens/", pages.tokens, name="tokens"),
    path("accounts/tokens/<int:token>/revoke/", pages.revoke, name="token_revoke"),
]
