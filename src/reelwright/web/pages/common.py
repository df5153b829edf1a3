"""What every page route needs: the signed-in user, the CSRF check, and errors shown as pages."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

from fastapi import Depends, Request

from reelwright.api.errors import ApiError
from reelwright.web.auth import WebUser, current_user, same_secret


class SignInRequired(Exception):
    """A page was asked for without a session: the app answers with a redirect to the sign-in page."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class PageError(Exception):
    """Shown as an error page with this status and message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def signed_in(request: Request) -> WebUser:
    user = current_user(request)
    if user is None:
        query = f"?{request.url.query}" if request.url.query else ""
        raise SignInRequired(request.url.path + query)
    return user


User = Annotated[WebUser, Depends(signed_in)]


def check_csrf(user: WebUser, supplied: str | None) -> None:
    if not same_secret(user.csrf_token, supplied):
        raise PageError(403, "This form has expired. Go back, reload the page and try again.")


@contextmanager
def api_errors_as_pages() -> Iterator[None]:
    """The API's services raise ApiError (a JSON answer); on a page it becomes an error page."""
    try:
        yield
    except ApiError as exc:
        raise PageError(exc.status, exc.message) from None


def local_path(target: str | None, default: str = "/videos") -> str:
    """Only paths on this site may be redirected to after signing in (no ``//other.site``)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default
