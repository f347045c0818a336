"""The Qt-free core: the MiniApp format, paths, mapping rules, checks, HTTP, webhooks.

Nothing under this package may import Qt; a test in the suite enforces it.
"""
