"""Sync Designer: a visual designer for the sync block of Karzoun MiniApps."""

__version__ = "0.1.0"
