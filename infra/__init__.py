"""Deployment tooling: policies from declared needs, the package's finishing step, the SAM transform, the readiness
check, deploy and its dry run."""
