"""kubesim: a deterministic, discrete-event simulator of a whole Kubernetes cluster."""
