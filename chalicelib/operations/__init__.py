"""Application operations: the steps a handler asks for when one request coordinates several things
(read, decide in the domain, write, retry when stale). They take ports, never adapters: like the domain,
nothing here imports boto3, pynamodb, twilio or plivo, and each is unit-tested on in-memory fakes."""
