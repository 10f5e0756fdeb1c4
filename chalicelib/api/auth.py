"""Who is calling: a Cognito ID token, verified by the API itself.

Deployed, the keys are the user pool's JWKS; locally, the local stack's stand-in serves its own JWKS
the same way, so both take this one path: RS256 signature, issuer, audience (the app client), expiry,
token_use "id". The role is the user's Cognito group; district, department and level are custom
attributes.
"""
from __future__ import annotations

import json
import threading
import time
import urllib.request
from dataclasses import dataclass
from typing import Any

from chalicelib import settings
from chalicelib.api.errors import unauthorized

ROLES = ("operator", "officer", "collector", "state_admin")
_JWKS_REFRESH_SECONDS = 300  # an unknown key id fetches the set again, at most this often


@dataclass(frozen=True)
class User:
    username: str
    name: str
    role: str
    district: str | None  # None only for a state_admin, and a state's executive (an operator of its state file)
    department: str | None = None  # officers only
    level: str | None = None  # officers only
    state: str | None = None  # a state_admin's or an executive's state file (custom:state): its districts

    @property
    def is_state_executive(self) -> bool:
        """An operator of the state number's pool (181): registers into any district of its state file."""
        return self.role == "operator" and self.district is None and self.state is not None

    def as_json(self) -> dict[str, Any]:
        return {"username": self.username, "name": self.name, "role": self.role, "district": self.district,
                "department": self.department, "level": self.level, "state": self.state}


class _KeySet:
    def __init__(self) -> None:
        self._keys: dict[str, Any] = {}
        self._fetched_at = 0.0
        self._url = ""
        self._lock = threading.Lock()

    def key(self, kid: str) -> Any:
        url = settings.auth_jwks_url()
        with self._lock:
            stale = url != self._url or (kid not in self._keys
                                         and time.monotonic() - self._fetched_at > _JWKS_REFRESH_SECONDS)
            if stale:
                self._load(url)
            return self._keys.get(kid)

    def _load(self, url: str) -> None:
        from jwt import PyJWK

        with urllib.request.urlopen(url, timeout=3) as response:  # noqa: S310 (https or the local stand-in)
            document = json.loads(response.read())
        self._keys = {k["kid"]: PyJWK(k).key for k in document.get("keys", []) if "kid" in k}
        self._fetched_at = time.monotonic()
        self._url = url


_key_set = _KeySet()


def forget_keys() -> None:
    """Tests and the local stack start with a new key set."""
    global _key_set
    _key_set = _KeySet()


def user_from_headers(headers: dict[str, str]) -> User:
    header = headers.get("authorization") or headers.get("Authorization") or ""
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise unauthorized("sign_in_needed")
    return verify(token.strip())


def verify(token: str) -> User:
    import jwt

    try:
        kid = jwt.get_unverified_header(token).get("kid", "")
    except jwt.PyJWTError:
        raise unauthorized("token_not_jwt") from None
    try:
        key = _key_set.key(kid)
    except OSError:
        raise unauthorized("sign_in_keys_unreadable") from None
    if key is None:
        raise unauthorized("token_not_ours")
    try:
        claims = jwt.decode(token, key, algorithms=["RS256"], audience=settings.auth_client_id(),
                            issuer=settings.auth_issuer(), options={"require": ["exp", "iss", "aud", "sub"]},
                            leeway=30)
    except jwt.ExpiredSignatureError:
        raise unauthorized("session_expired") from None
    except jwt.PyJWTError as error:
        raise unauthorized("token_invalid", detail=str(error)) from None
    if claims.get("token_use") != "id":
        raise unauthorized("id_token_needed")
    return _user(claims)


def _user(claims: dict[str, Any]) -> User:
    groups = claims.get("cognito:groups") or []
    role = next((r for r in ROLES if r in groups), None)
    if role is None:
        raise unauthorized("user_without_role")
    district = claims.get("custom:district") or None
    state = claims.get("custom:state") or None
    if role != "state_admin" and not district and not (role == "operator" and state):
        raise unauthorized("user_without_district")
    department = claims.get("custom:department") or None
    level = claims.get("custom:level") or None
    if role == "officer" and not (department and level):
        raise unauthorized("officer_without_post")
    username = claims.get("cognito:username") or claims["sub"]
    return User(username=username, name=claims.get("name") or username, role=role, district=district,
                department=department if role == "officer" else None, level=level if role == "officer" else None,
                state=state if role == "state_admin" or (role == "operator" and not district) else None)
