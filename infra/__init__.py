"""Deployment tooling: policies from declared needs, the package's finishing step, the readiness check, deploy."""
