"""The SQL of each table, and nothing else.

One module per table: `users`, `organizations`, `api_keys`, `password_resets`. Their
functions take the connection to run on (a transaction's, for writes) and return records;
they check no permission and validate no input: the accounts service and the operator's
commands do that before calling them. The only errors they raise translate the database's
own constraints (a unique email or key).
"""
