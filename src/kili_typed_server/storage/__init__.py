"""Storage: the SQLite database, the SQL of each table, and snapshots of the whole file."""
