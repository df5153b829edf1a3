"""Curated visual styles."""
