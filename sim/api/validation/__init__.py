"""Validation helpers shared by every kind (k8s.io/apimachinery/pkg/api/validation and
k8s.io/apimachinery/pkg/util/validation)."""

from sim.api.validation.common import *  # noqa: F403
