"""Outbound network access to user-supplied URLs, guarded against SSRF."""
