"""The HeyGen-compatible HTTP API (FastAPI)."""
