"""The one SSL context of the process: httpx's default trust (certifi's CA
bundle, or ``SSL_CERT_FILE`` / ``SSL_CERT_DIR``), with the bundle read on the
first TLS handshake instead of at start-up."""

from __future__ import annotations

import os
import sys
import threading
from typing import Any

_SSL_CONTEXT: Any = None


def ssl_context() -> Any:
    """One SSL context per process, shared by every client. It is httpx's
    default (certifi's CA bundle, or ``SSL_CERT_FILE`` / ``SSL_CERT_DIR``),
    except that the bundle (~20-50 ms to load) is read on the first TLS
    handshake, as Node does with its CA store: a command that talks plain
    HTTP to a local server never pays for it."""
    global _SSL_CONTEXT
    if _SSL_CONTEXT is None:
        import ssl

        class DeferredTrust(ssl.SSLContext):
            """A verifying client context whose CA certificates load on first use."""

            _trust_lock = threading.Lock()
            _trust_loaded = False

            def _load_trust(self) -> None:
                with self._trust_lock:
                    if not self._trust_loaded:
                        cafile, capath = os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR")
                        if not cafile and not capath:
                            import certifi

                            cafile = certifi.where()
                        self.load_verify_locations(cafile=cafile or None, capath=None if cafile else capath)
                        type(self)._trust_loaded = True

            def wrap_socket(self, *args: Any, **kwargs: Any) -> Any:
                self._load_trust()
                return super().wrap_socket(*args, **kwargs)

            def wrap_bio(self, *args: Any, **kwargs: Any) -> Any:
                self._load_trust()
                return super().wrap_bio(*args, **kwargs)

        context = DeferredTrust(ssl.PROTOCOL_TLS_CLIENT)  # CERT_REQUIRED, check_hostname
        if sys.version_info >= (3, 13):  # what ssl.create_default_context adds there
            context.verify_flags |= ssl.VERIFY_X509_PARTIAL_CHAIN | ssl.VERIFY_X509_STRICT
        keylog = os.environ.get("SSLKEYLOGFILE")
        if keylog and not sys.flags.ignore_environment:
            context.keylog_filename = keylog
        _SSL_CONTEXT = context
    return _SSL_CONTEXT
