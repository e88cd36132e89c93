"""Proposals decided under the coalition's own rules: decision kinds, rounds, stances and explained outcomes."""
