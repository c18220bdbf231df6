"""sim.http: the Kubernetes HTTP API over the ApiServer core, `kubesim serve`, and an HTTP client
implementing the transport-neutral client protocol (see docs/http.md)."""

from sim.core.driver import SimDriver
from sim.http.auth import TokenAuth
from sim.http.client import HttpClient, HttpWatchStream
from sim.http.install import install
from sim.http.serve import kubeconfig, serve, write_kubeconfig
from sim.http.server import HttpApiServer

__all__ = [
    "HttpApiServer",
    "HttpClient",
    "HttpWatchStream",
    "SimDriver",
    "TokenAuth",
    "install",
    "kubeconfig",
    "serve",
    "write_kubeconfig",
]
