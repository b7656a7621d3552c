"""The top: the ``kili-typed server`` commands and the runner that serves the app, with the
instruments when a test asks for them."""
