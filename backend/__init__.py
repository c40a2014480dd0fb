"""Skopx backend: plain Python, never imports reflex, state or skopx_ui."""
