"""Typed client for the Kili Technology user API."""
