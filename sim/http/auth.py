"""Bearer-token authentication and a small verb authorizer.

Models kube-apiserver's static token file (staging/src/k8s.io/apiserver/plugin/pkg/authenticator/
token/tokenfile) and the answers of the authentication and authorization filters
(staging/src/k8s.io/apiserver/pkg/endpoints/filters/authentication.go: 401 Unauthorized;
authorization.go and handlers/responsewriters/errors.go: 403 Forbidden with
`<resource> ["<name>"] is forbidden: User "<user>" cannot <verb> resource
"<resource>[/<subresource>]" in API group "<group>" (in the namespace "<ns>"|at the cluster
scope)`). A token either allows every verb (an administrator) or only the read verbs get, list
and watch (a viewer), on every resource and subresource: a viewer may `get nodes/proxy`, the
kubelet's read-only view (upstream's verb for a proxied GET is `get`). With no tokens configured
every request is allowed, as a user named after the client. `/version`, `/healthz`, `/livez` and `/readyz` are
open to everyone, as upstream's system:public-info-viewer role allows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sim.api.errors import status_dict

READ_VERBS = frozenset({"get", "list", "watch"})
PUBLIC_PATHS = frozenset({"/version", "/healthz", "/livez", "/readyz"})


@dataclass(frozen=True)
class Identity:
    user: str
    verbs: frozenset[str] | None = None  # None: every verb

    def allows(self, verb: str) -> bool:
        return self.verbs is None or verb in self.verbs


@dataclass
class TokenAuth:
    """Tokens and who they are. `enabled` is False when no token is configured."""

    tokens: dict[str, Identity] = field(default_factory=dict)

    @property
    def enabled(self) -> bool:
        return bool(self.tokens)

    def add(self, token: str, user: str, *, read_only: bool = False) -> None:
        if not token:
            raise ValueError("a token must not be empty")
        self.tokens[token] = Identity(user, READ_VERBS if read_only else None)

    def authenticate(self, authorization: str | None) -> Identity | None:
        """The identity of an `Authorization: Bearer <token>` header, or None."""
        if not authorization:
            return None
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer":
            return None
        return self.tokens.get(token.strip())


def unauthorized() -> dict[str, Any]:
    return status_dict(401, "Unauthorized", "Unauthorized")


def forbidden(
    user: str,
    verb: str,
    resource: str,
    group: str,
    namespace: str | None,
    name: str = "",
    subresource: str = "",
) -> dict[str, Any]:
    """errors.NewForbidden(resource, name, forbiddenMessage(attributes))."""
    where = f'in the namespace "{namespace}"' if namespace else "at the cluster scope"
    what = f"{resource}/{subresource}" if subresource else resource
    qualified = f"{resource}.{group}" if group else resource
    subject = f'{qualified} "{name}"' if name else qualified
    msg = (
        f'{subject} is forbidden: User "{user}" cannot {verb} resource "{what}" in API group '
        f'"{group}" {where}'
    )
    details = {"kind": resource, **({"group": group} if group else {})}
    if name:
        details["name"] = name
    return status_dict(403, "Forbidden", msg, details)
