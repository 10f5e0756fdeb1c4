"""Unit tests: the domain, the operations, the IVR's TwiML and the pure helpers, on in-memory fakes.

Nothing heavy here on purpose: no moto, no Chalice, no boto3 or pynamodb (test_unit_layer.py checks it). A
test that needs them drives an adapter and belongs in tests/flows; the demo district's constants are in
tests/support/demo.py.
"""
