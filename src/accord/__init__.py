"""Accord: the platform coalitions run on."""
