"""In-memory adapters of the domain's ports (chalicelib/domain/ports.py), one module per port.

Each behaves like its DynamoDB adapter as far as the domain can tell: tests/contract runs one suite against
both. Each module ends with a check that mypy reads: the fake satisfies its port's Protocol.
"""
