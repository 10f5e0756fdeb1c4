"""The console's REST API under /api: authentication, errors, cursors and the OpenAPI document."""
