"""Reelwright: a self-hosted, offline-first video agent."""

__version__ = "0.1.0"
