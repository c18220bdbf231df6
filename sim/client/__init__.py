"""sim.client: what every control loop uses (client-go's role): the client protocol, shared
informers with indexers, rate-limited work queues, the event recorder, client-side apply."""

from sim.client.events import EventRecorder
from sim.client.informer import (
    Indexer,
    SharedInformer,
    SharedInformerFactory,
    index_by_namespace,
    index_by_node_name,
    index_by_owner,
    meta_namespace_key,
)
from sim.client.interface import Client, LeaseRenewer, Renewal, WatchStream
from sim.client.ratelimit import default_controller_rate_limiter
from sim.client.workqueue import SHUTDOWN, WorkQueue

__all__ = [
    "SHUTDOWN",
    "Client",
    "EventRecorder",
    "Indexer",
    "LeaseRenewer",
    "Renewal",
    "SharedInformer",
    "SharedInformerFactory",
    "WatchStream",
    "WorkQueue",
    "default_controller_rate_limiter",
    "index_by_namespace",
    "index_by_node_name",
    "index_by_owner",
    "meta_namespace_key",
]
