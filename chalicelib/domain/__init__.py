"""The hotline's rules, in plain Python: no AWS, no Twilio. Adapters implement `ports`."""
