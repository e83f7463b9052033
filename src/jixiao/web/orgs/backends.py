"""Sign-in names compared as people read them: NFKC-normalised and case-folded.

``ｌｅａｄｅｒ-003`` (full-width letters), ``Leader-003`` and ``leader-003`` are one account, both for the
password check (:class:`NormalisedBackend`) and for the login throttle (``views._key``), so a lockout
cannot be sidestepped by writing the name another way.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


def normalise_username(name: str | None) -> str:
    """The form every sign-in name is compared in: NFKC (full-width → ASCII), trimmed, case-folded."""
    return unicodedata.normalize("NFKC", name or "").strip().casefold()[:150]


class NormalisedBackend(ModelBackend):
    """Django's model backend, finding the user by the normalised name (exact match first)."""

    def authenticate(self, request: Any, username: str | None = None, password: str | None = None,  # noqa: ANN401
                     **kwargs: Any) -> Any:  # noqa: ANN401
        User = get_user_model()  # noqa: N806
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if username is None or password is None:
            return None
        wanted = normalise_username(username)
        users = list(User._default_manager.filter(**{f"{User.USERNAME_FIELD}__iexact": wanted})[:2])
        exact = [u for u in users if normalise_username(u.get_username()) == wanted]
        if len(exact) != 1:
            User().set_password(password)  # the same work as a real check: no timing difference
            return None
        user = exact[0]
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
