"""The embedded local stack (moto, the app over HTTP, queue pump, Twilio sandbox, call simulator).

Never imported by code that runs in Lambda.
"""
