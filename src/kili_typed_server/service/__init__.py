"""The service: accounts (every permission and policy check), administration, input rules,
passwords, and :class:`Store`, which opens a database file with all of them."""
