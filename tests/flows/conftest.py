"""Flow tests: the hotline end to end through its real interfaces — signed webhooks into the Chalice app,
pynamodb and SQS against moto, Twilio through a recording HTTP client (tests/support/fixtures.py)."""
from __future__ import annotations

from tests.support.fixtures import *  # noqa: F403
