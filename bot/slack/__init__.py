"""The only code that knows Slack's payloads: listeners, payload conversion, the WSGI app."""
