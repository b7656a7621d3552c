"""The HTTP layer: the Starlette app, the rules on request headers and bodies, per-key
throttling, connection bounds and the bytes of each answer."""
