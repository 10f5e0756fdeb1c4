"""The local stand-in for the Cognito user pool: an RSA key the local stack holds, its JWKS, ID tokens
with Cognito's claim names, and InitiateAuth(USER_PASSWORD_AUTH) for the console's sign-in.

The API verifies these tokens exactly as it verifies Cognito's (chalicelib/api/auth.py): only the JWKS
URL and the issuer differ.
"""
from __future__ import annotations

import hmac
import json
import time
import uuid
from pathlib import Path
from typing import Any

import yaml

CLIENT_ID = "samvad-local-console"
USERS_FILE = Path(__file__).resolve().parents[2] / "examples" / "users" / "demo.yaml"
TOKEN_HOURS = 8  # a night shift


def load_users(path: Path = USERS_FILE) -> dict[str, dict[str, Any]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {u["username"]: u for u in data["users"]}


class LocalIssuer:
    def __init__(self, key_path: Path, issuer: str, client_id: str = CLIENT_ID,
                 users: dict[str, dict[str, Any]] | None = None) -> None:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa

        if key_path.exists():
            self._key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        else:
            self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            key_path.parent.mkdir(parents=True, exist_ok=True)
            key_path.write_bytes(self._key.private_bytes(serialization.Encoding.PEM,
                                                         serialization.PrivateFormat.PKCS8,
                                                         serialization.NoEncryption()))
            key_path.chmod(0o600)
        self.issuer = issuer.rstrip("/")
        self.client_id = client_id
        self.users = users if users is not None else load_users()
        self.kid = "local-" + uuid.uuid5(uuid.NAMESPACE_URL, key_path.name).hex[:12]

    def jwks(self) -> dict[str, Any]:
        from jwt.algorithms import RSAAlgorithm

        jwk = json.loads(RSAAlgorithm.to_jwk(self._key.public_key()))
        return {"keys": [{**jwk, "kid": self.kid, "alg": "RS256", "use": "sig"}]}

    def mint(self, username: str, hours: float = TOKEN_HOURS, **overrides: Any) -> str:
        import jwt

        user = self.users.get(username)
        if user is None:
            raise KeyError(f"no local user {username!r}; see {USERS_FILE.name}")
        now = int(time.time())
        claims = {
            "sub": str(uuid.uuid5(uuid.NAMESPACE_DNS, username)), "cognito:username": username,
            "cognito:groups": [user["role"]], "name": user.get("name", username),
            "custom:district": user.get("district", ""), "custom:department": user.get("department", ""),
            "custom:level": user.get("level", ""), "custom:state": user.get("state", ""), "token_use": "id",
            "aud": self.client_id,
            "iss": self.issuer, "iat": now, "auth_time": now, "exp": now + int(hours * 3600),
        }
        claims.update(overrides)
        return jwt.encode(claims, self._key, algorithm="RS256", headers={"kid": self.kid})

    def initiate_auth(self, request: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """Cognito's InitiateAuth answer for USER_PASSWORD_AUTH, or its NotAuthorizedException."""
        if request.get("AuthFlow") != "USER_PASSWORD_AUTH" or request.get("ClientId") != self.client_id:
            return 400, {"__type": "InvalidParameterException", "message": "Unsupported AuthFlow or ClientId"}
        params = request.get("AuthParameters") or {}
        user = self.users.get(str(params.get("USERNAME", "")))
        given = str(params.get("PASSWORD", "")).encode()
        if user is None or not hmac.compare_digest(given, str(user["password"]).encode()):
            return 400, {"__type": "NotAuthorizedException", "message": "Incorrect username or password."}
        result = {"IdToken": self.mint(user["username"]),
                  "AccessToken": self.mint(user["username"], **{"token_use": "access"}),
                  "ExpiresIn": TOKEN_HOURS * 3600, "TokenType": "Bearer"}
        return 200, {"AuthenticationResult": result, "ChallengeParameters": {}}
