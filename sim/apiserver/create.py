"""CREATE: names, system fields, defaulting, admission, validation, then one conditional write.

Models k8s.io/apiserver/pkg/endpoints/handlers/create.go (createHandler) over
k8s.io/apiserver/pkg/registry/generic/registry/store.go (Create) and
k8s.io/apiserver/pkg/registry/rest/create.go (BeforeCreate, FillObjectMetaSystemFields): a
generateName gets a random suffix from a seeded stream, the uid another; an existing name is 409
AlreadyExists; a dry run does everything but the write.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sim.api.errors import already_exists
from sim.api.frozen import freeze
from sim.api.kinds import Kind, noop
from sim.apiserver.admission import Attributes
from sim.apiserver.keys import object_key
from sim.apiserver.storage import RegistryStore
from sim.core import RandomStreams

MAX_GENERATE_NAME_PREFIX = 58  # upstream names.SimpleNameGenerator: maxGeneratedNameLength
GENERATE_NAME_SUFFIX = 5
# What BeforeCreate clears (and generation, kept at 1 for kinds that track it).
_CLEARED_ON_CREATE = (
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "resourceVersion",
    "selfLink",
    "managedFields",
)
_CLEARED_ON_CREATE_SET = frozenset(_CLEARED_ON_CREATE)


class Creater:
    """POST of a new object (upstream's createHandler, named as there)."""

    def __init__(self, storage: RegistryStore, streams: RandomStreams):
        self._uids = streams.stream("apiserver/uid")
        self._names = streams.stream("apiserver/generate-name")
        # bound once: this is the hottest path of the server
        self._clock = storage.clock
        self._store = storage.store
        self._incoming = storage.incoming
        self._default = storage.default
        self._admission_for = storage.admission_for
        self._lookup = storage.lookup
        self._list_all = storage.list_all
        self._validate = storage.validate
        self._commit = storage.commit
        self._record = storage.record
        self._observers = storage.observers
        self._notify = storage.notify

    def create(
        self,
        kind: str | Kind,
        obj: Mapping[str, Any],
        *,
        namespace: str | None = None,
        dry_run: bool = False,
        user: str = "user",
    ) -> Any:
        k, new, ns = self._incoming(kind, obj, namespace)
        meta = new["metadata"]
        if not meta.get("name") and meta.get("generateName"):
            prefix = str(meta["generateName"])[:MAX_GENERATE_NAME_PREFIX]
            meta["name"] = prefix + self._names.string(GENERATE_NAME_SUFFIX)
        if k.default is not noop:
            self._default(k, new)
        # upstream rest.FillObjectMetaSystemFields plus BeforeCreate's clearing
        meta["uid"] = self._uids.uuid()
        meta["creationTimestamp"] = self._clock.timestamp()
        if not _CLEARED_ON_CREATE_SET.isdisjoint(meta):
            for fld in _CLEARED_ON_CREATE:
                if fld in meta:
                    del meta[fld]
        if k.spec_generation:
            meta["generation"] = 1
        elif "generation" in meta:
            del meta["generation"]
        if k.prepare_for_create is not noop:
            k.prepare_for_create(new)
        name = meta.get("name") or ""
        attrs = Attributes("CREATE", k, ns, name, new, None)
        for plugin in self._admission_for(k):  # run_admission, inline
            plugin.admit(attrs, self._lookup, self._list_all)
        self._validate(k, new, None)
        key = object_key(k, ns, name)
        if dry_run:
            if self._store.get(key) is not None:
                raise already_exists(k.plural, k.group, name)
            return freeze(new)
        stored = self._commit(key, new, 0)
        if stored is None:
            raise already_exists(k.plural, k.group, name)
        self._record(user, "create", k, stored, f"uid={stored['metadata']['uid']}")
        if self._observers:
            self._notify("create", k, stored)
        return stored
