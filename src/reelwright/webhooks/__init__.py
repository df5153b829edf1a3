"""Webhooks: events recorded in an outbox with the state change that caused them, then delivered
(signed, retried with back-off, every attempt logged) by a dispatcher thread in each worker process.
"""
