"""Test instruments: faults, the request log, the control API, seeding and the harness that
holds them. They wrap the app from outside; the serving layers never import them."""
