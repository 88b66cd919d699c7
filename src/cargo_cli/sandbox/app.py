"""The ASGI app: rate limit, auth, workspace selection, routing, the error
contract, signed blob URLs and the request log on stderr."""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import mimetypes
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from cargo_cli.sandbox import engine
from cargo_cli.sandbox.http import ApiError, Ctx, Router, parse_query
from cargo_cli.sandbox.store import Store

SIGNED_URL_TTL_S = 3600
BLOB_PREFIX = "/_sandbox/blobs/"
# The current-user endpoints ignore the selected workspace (wire-conventions.md).
WORKSPACE_FREE = ("/userManagement/users/current",)


@dataclass
class RateLimiter:
    """A token bucket: ``rate`` requests per second, bursts of ``rate``."""

    rate: float
    tokens: float = 0.0
    updated: float = field(default_factory=time.monotonic)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.tokens = self.rate

    def acquire(self) -> float | None:
        """None when allowed, else the seconds until the next request is."""
        with self.lock:
            now = time.monotonic()
            self.tokens = min(self.rate, self.tokens + (now - self.updated) * self.rate)
            self.updated = now
            if self.tokens >= 1:
                self.tokens -= 1
                return None
            return (1 - self.tokens) / self.rate


@dataclass
class Sandbox:
    store: Store
    router: Router
    secret: bytes
    speed: float = 1.0
    rate_limit: float | None = None
    base_url: str = ""
    quiet: bool = False
    limiter: RateLimiter | None = None

    def __post_init__(self) -> None:
        if self.rate_limit:
            self.limiter = RateLimiter(self.rate_limit)

    # -- signed URLs -----------------------------------------------------------
    def _signature(self, key: str, expires: int) -> str:
        return hmac.new(self.secret, f"{key}:{expires}".encode(), hashlib.sha256).hexdigest()

    def sign(self, key: str) -> str:
        expires = int(time.time()) + SIGNED_URL_TTL_S
        query = urllib.parse.urlencode({"expires": expires, "signature": self._signature(key, expires)})
        return f"{self.base_url}{BLOB_PREFIX}{urllib.parse.quote(key)}?{query}"

    def _serve_blob(self, request: Request, key: str) -> Response:
        try:
            expires = int(request.query_params.get("expires", "0"))
        except ValueError:
            expires = 0
        signature = request.query_params.get("signature", "")
        if not hmac.compare_digest(signature, self._signature(key, expires)):
            raise ApiError(403, "Invalid signature", "invalidSignature")
        if expires < time.time():
            raise ApiError(403, "Signed URL expired", "expiredSignature")
        path = self.store.blob_path(key)
        if not path.is_file():
            raise ApiError(404, "Blob not found", "blobNotFound")
        kind = mimetypes.guess_type(key)[0] or "application/octet-stream"
        if key.endswith(".gz"):
            kind = "application/gzip"
        return FileResponse(path, media_type=kind)

    # -- requests ----------------------------------------------------------------
    async def handle(self, request: Request) -> Response:
        started = time.monotonic()
        path = request.url.path
        try:
            response = await self._dispatch(request, path)
        except ApiError as exc:
            headers = (
                {"Retry-After": str(exc.extra.pop("retry_after"))} if "retry_after" in exc.extra else None
            )
            response = JSONResponse(exc.body(), status_code=exc.status, headers=headers)
        except Exception as exc:  # a sandbox bug: still the error contract
            response = JSONResponse(
                {"errorMessage": f"Sandbox error: {exc!r}", "reason": "sandboxError"}, 500
            )
        if not self.quiet:
            elapsed = (time.monotonic() - started) * 1000
            print(
                f"{request.method} {path} {response.status_code} {elapsed:.0f}ms", file=sys.stderr, flush=True
            )
        return response

    async def _dispatch(self, request: Request, path: str) -> Response:
        if self.limiter is not None:
            wait = self.limiter.acquire()
            if wait is not None:
                raise ApiError(429, "Too many requests", "rateLimited", retry_after=max(1, math.ceil(wait)))
        if path.startswith(BLOB_PREFIX):
            return self._serve_blob(request, urllib.parse.unquote(path[len(BLOB_PREFIX) :]))
        if not path.startswith("/v1/"):
            raise ApiError(404, f"Not found: {path} (the API is under /v1)", "notFound")
        api_path = path[3:]
        with self.store.lock:
            user_uuid, workspace_uuid = self._authenticate(request, api_path)
        matched = self.router.match(request.method, api_path)
        if matched is None:
            raise ApiError(501, f"Not emulated by the sandbox: {request.method} {api_path}")
        handler, params = matched
        body: Any = None
        form: dict[str, tuple[str, str, bytes]] = {}
        content_type = request.headers.get("content-type", "")
        if content_type.startswith("multipart/form-data"):
            async with request.form() as parsed:
                for name, value in parsed.multi_items():
                    if isinstance(value, str):  # plain form fields are the payload (ctx.arg)
                        body = {**(body or {}), name: value}
                    else:
                        form[name] = (value.filename or name, value.content_type or "", await value.read())
        else:
            raw = await request.body()
            if raw:
                try:
                    body = json.loads(raw)
                except ValueError:
                    raise ApiError(400, "The body is not valid JSON", "invalidPayload") from None
        ctx = Ctx(
            store=self.store, method=request.method, path=api_path, params=params,
            query=parse_query(request.url.query), body=body if body is not None else {},
            workspace_uuid=workspace_uuid, user_uuid=user_uuid, base_url=self.base_url,
            signer=self.sign, speed=self.speed, form=form,
        )  # fmt: skip
        with self.store.transaction():
            engine.tick(self.store)
            result = handler(ctx)
        if isinstance(result, Response):
            return result
        return JSONResponse({} if result is None else result)

    def _authenticate(self, request: Request, api_path: str) -> tuple[str, str]:
        header = request.headers.get("authorization", "")
        token = header[7:].strip() if header.lower().startswith("bearer ") else ""
        identity = self.store.identity(token) if token else None
        if identity is None:
            raise ApiError(401, "Not authorized: missing or invalid API token", "unauthorized")
        user_uuid, workspace_uuid = identity
        selected = request.headers.get("selected-workspace-uuid")
        if selected and api_path not in WORKSPACE_FREE and selected != workspace_uuid:
            member = self.store.get("membership", f"{user_uuid}:{selected}")
            if member is None:
                raise ApiError(403, f"No access to workspace {selected}", "workspaceNotAccessible")
            workspace_uuid = selected
        return user_uuid, workspace_uuid


def create_app(sandbox: Sandbox) -> Starlette:
    methods = ["GET", "POST", "PUT", "PATCH", "DELETE"]
    from cargo_cli.sandbox.mcp_mount import mount  # the MCP endpoint (/mcp, docs/mcp.md)

    return Starlette(routes=[*mount(sandbox), Route("/{path:path}", sandbox.handle, methods=methods)])
