"""The structure of the served kinds, as data: field names and types for OpenAPI and field
validation.

Field names and JSON types are those of k8s.io/api (core/v1, apps/v1, discovery/v1,
coordination/v1, scheduling/v1 types.go) and k8s.io/apimachinery meta/v1 types.go for Kubernetes
1.32, written from those files' json tags, not copied. A type is a dict of field -> type spec:

- "string", "integer", "boolean", "number", "date-time", "int-or-string", "quantity";
- the name of another type in TYPES;
- ["<spec>"]: an array of that; {"map": "<spec>"}: an object with values of that;
- "any": an object whose content is not described here (x-kubernetes-preserve-unknown-fields):
  field validation does not look inside it.

Merge strategies and keys are not here: they come from sim.apiserver.patch.PATCH_META, the one
table the apiserver's strategic merge patch uses too.
"""

from __future__ import annotations

from typing import Any

S, N, B, T = "string", "integer", "boolean", "date-time"  # N: a whole number
MAP_S: dict[str, Any] = {"map": S}

# fmt: off
TYPES: dict[str, dict[str, Any]] = {
    "meta.v1.ObjectMeta": {
        "name": S, "generateName": S, "namespace": S, "selfLink": S, "uid": S,
        "resourceVersion": S, "generation": N, "creationTimestamp": T, "deletionTimestamp": T,
        "deletionGracePeriodSeconds": N, "labels": MAP_S, "annotations": MAP_S,
        "ownerReferences": ["meta.v1.OwnerReference"], "finalizers": [S], "managedFields": ["any"],
    },
    "meta.v1.OwnerReference": {
        "apiVersion": S, "kind": S, "name": S, "uid": S, "controller": B,
        "blockOwnerDeletion": B,
    },
    "meta.v1.LabelSelector": {
        "matchLabels": MAP_S, "matchExpressions": ["meta.v1.LabelSelectorRequirement"],
    },
    "meta.v1.LabelSelectorRequirement": {"key": S, "operator": S, "values": [S]},
    "meta.v1.Condition": {
        "type": S, "status": S, "observedGeneration": N, "lastTransitionTime": T, "reason": S,
        "message": S,
    },
    # core/v1 ------------------------------------------------------------------------------
    "core.v1.Pod": {"spec": "core.v1.PodSpec", "status": "core.v1.PodStatus"},
    "core.v1.PodTemplateSpec": {"metadata": "meta.v1.ObjectMeta", "spec": "core.v1.PodSpec"},
    "core.v1.PodSpec": {
        "volumes": ["core.v1.Volume"], "initContainers": ["core.v1.Container"],
        "containers": ["core.v1.Container"], "ephemeralContainers": ["any"],
        "restartPolicy": S, "terminationGracePeriodSeconds": N, "activeDeadlineSeconds": N,
        "dnsPolicy": S, "nodeSelector": MAP_S, "serviceAccountName": S, "serviceAccount": S,
        "automountServiceAccountToken": B, "nodeName": S, "hostNetwork": B, "hostPID": B,
        "hostIPC": B, "shareProcessNamespace": B, "securityContext": "any",
        "imagePullSecrets": ["core.v1.LocalObjectReference"], "hostname": S, "subdomain": S,
        "affinity": "any", "schedulerName": S, "tolerations": ["core.v1.Toleration"],
        "hostAliases": ["any"], "priorityClassName": S, "priority": N, "dnsConfig": "any",
        "readinessGates": ["core.v1.PodReadinessGate"], "runtimeClassName": S,
        "enableServiceLinks": B, "preemptionPolicy": S, "overhead": {"map": "quantity"},
        "topologySpreadConstraints": ["any"], "setHostnameAsFQDN": B, "os": "any",
        "hostUsers": B, "schedulingGates": ["core.v1.PodSchedulingGate"],
        "resourceClaims": ["any"], "resources": "core.v1.ResourceRequirements",
    },
    "core.v1.Container": {
        "name": S, "image": S, "command": [S], "args": [S], "workingDir": S,
        "ports": ["core.v1.ContainerPort"], "envFrom": ["any"], "env": ["core.v1.EnvVar"],
        "resources": "core.v1.ResourceRequirements", "resizePolicy": ["any"],
        "restartPolicy": S, "volumeMounts": ["core.v1.VolumeMount"], "volumeDevices": ["any"],
        "livenessProbe": "core.v1.Probe", "readinessProbe": "core.v1.Probe",
        "startupProbe": "core.v1.Probe", "lifecycle": "any", "terminationMessagePath": S,
        "terminationMessagePolicy": S, "imagePullPolicy": S, "securityContext": "any",
        "stdin": B, "stdinOnce": B, "tty": B,
    },
    "core.v1.ContainerPort": {
        "name": S, "hostPort": N, "containerPort": N, "protocol": S, "hostIP": S,
    },
    "core.v1.EnvVar": {"name": S, "value": S, "valueFrom": "any"},
    "core.v1.ResourceRequirements": {
        "limits": {"map": "quantity"}, "requests": {"map": "quantity"}, "claims": ["any"],
    },
    "core.v1.VolumeMount": {
        "name": S, "readOnly": B, "recursiveReadOnly": S, "mountPath": S, "subPath": S,
        "mountPropagation": S, "subPathExpr": S,
    },
    "core.v1.Volume": {
        "name": S, "emptyDir": "any", "configMap": "any", "secret": "any", "hostPath": "any",
        "persistentVolumeClaim": "any", "projected": "any", "downwardAPI": "any",
        "nfs": "any", "csi": "any", "ephemeral": "any", "image": "any",
    },
    "core.v1.Probe": {
        "exec": "any", "httpGet": "any", "tcpSocket": "any", "grpc": "any",
        "initialDelaySeconds": N, "timeoutSeconds": N, "periodSeconds": N,
        "successThreshold": N, "failureThreshold": N, "terminationGracePeriodSeconds": N,
    },
    "core.v1.Toleration": {
        "key": S, "operator": S, "value": S, "effect": S, "tolerationSeconds": N,
    },
    "core.v1.Taint": {"key": S, "value": S, "effect": S, "timeAdded": T},
    "core.v1.LocalObjectReference": {"name": S},
    "core.v1.PodReadinessGate": {"conditionType": S},
    "core.v1.PodSchedulingGate": {"name": S},
    "core.v1.PodStatus": {
        "phase": S, "conditions": ["core.v1.PodCondition"], "message": S, "reason": S,
        "nominatedNodeName": S, "hostIP": S, "hostIPs": ["core.v1.HostIP"], "podIP": S,
        "podIPs": ["core.v1.PodIP"], "startTime": T, "initContainerStatuses": ["any"],
        "containerStatuses": ["any"], "qosClass": S, "ephemeralContainerStatuses": ["any"],
        "resize": S, "resourceClaimStatuses": ["any"],
    },
    "core.v1.PodCondition": {
        "type": S, "status": S, "lastProbeTime": T, "lastTransitionTime": T, "reason": S,
        "message": S,
    },
    "core.v1.HostIP": {"ip": S},
    "core.v1.PodIP": {"ip": S},
    "core.v1.Service": {"spec": "core.v1.ServiceSpec", "status": "any"},
    "core.v1.ServiceSpec": {
        "ports": ["core.v1.ServicePort"], "selector": MAP_S, "clusterIP": S, "clusterIPs": [S],
        "type": S, "externalIPs": [S], "sessionAffinity": S, "loadBalancerIP": S,
        "loadBalancerSourceRanges": [S], "externalName": S, "externalTrafficPolicy": S,
        "healthCheckNodePort": N, "publishNotReadyAddresses": B, "sessionAffinityConfig": "any",
        "ipFamilies": [S], "ipFamilyPolicy": S, "allocateLoadBalancerNodePorts": B,
        "loadBalancerClass": S, "internalTrafficPolicy": S, "trafficDistribution": S,
    },
    "core.v1.ServicePort": {
        "name": S, "protocol": S, "appProtocol": S, "port": N, "targetPort": "int-or-string",
        "nodePort": N,
    },
    "core.v1.Namespace": {"spec": {"finalizers": [S]}, "status": "any"},
    "core.v1.Node": {"spec": "core.v1.NodeSpec", "status": "any"},
    "core.v1.NodeSpec": {
        "podCIDR": S, "podCIDRs": [S], "providerID": S, "unschedulable": B,
        "taints": ["core.v1.Taint"], "configSource": "any", "externalID": S,
    },
    "core.v1.Endpoints": {"subsets": ["any"]},
    "core.v1.ConfigMap": {"immutable": B, "data": MAP_S, "binaryData": {"map": S}},
    "core.v1.Event": {
        "involvedObject": "any", "reason": S, "message": S, "source": "any",
        "firstTimestamp": T, "lastTimestamp": T, "count": N, "type": S, "eventTime": S,
        "series": "any", "action": S, "related": "any", "reportingComponent": S,
        "reportingInstance": S,
    },
    # apps/v1 ------------------------------------------------------------------------------
    "apps.v1.Deployment": {"spec": "apps.v1.DeploymentSpec", "status": "any"},
    "apps.v1.DeploymentSpec": {
        "replicas": N, "selector": "meta.v1.LabelSelector", "template": "core.v1.PodTemplateSpec",
        "strategy": "apps.v1.DeploymentStrategy", "minReadySeconds": N,
        "revisionHistoryLimit": N, "paused": B, "progressDeadlineSeconds": N,
    },
    "apps.v1.DeploymentStrategy": {"type": S, "rollingUpdate": "any"},
    "apps.v1.ReplicaSet": {"spec": "apps.v1.ReplicaSetSpec", "status": "any"},
    "apps.v1.ReplicaSetSpec": {
        "replicas": N, "minReadySeconds": N, "selector": "meta.v1.LabelSelector",
        "template": "core.v1.PodTemplateSpec",
    },
    # others -------------------------------------------------------------------------------
    "discovery.v1.EndpointSlice": {"addressType": S, "endpoints": ["any"], "ports": ["any"]},
    "coordination.v1.Lease": {"spec": "any"},
    "scheduling.v1.PriorityClass": {
        "value": N, "globalDefault": B, "description": S, "preemptionPolicy": S,
    },
}
# fmt: on

# kind -> the TYPES entry of its top level (apiVersion, kind, metadata are added to each)
KIND_TYPES: dict[str, str] = {
    "Pod": "core.v1.Pod",
    "Service": "core.v1.Service",
    "Namespace": "core.v1.Namespace",
    "Node": "core.v1.Node",
    "Endpoints": "core.v1.Endpoints",
    "ConfigMap": "core.v1.ConfigMap",
    "Event": "core.v1.Event",
    "Deployment": "apps.v1.Deployment",
    "ReplicaSet": "apps.v1.ReplicaSet",
    "EndpointSlice": "discovery.v1.EndpointSlice",
    "Lease": "coordination.v1.Lease",
    "PriorityClass": "scheduling.v1.PriorityClass",
}
