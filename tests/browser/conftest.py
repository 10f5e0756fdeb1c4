"""Browser tests: the console in Chromium against the whole local stack in its own process
(tests/support/stack_process.py), as a developer runs it with `make run`. They need no moto harness in this
process: the stack brings its own."""
