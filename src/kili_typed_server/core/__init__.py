"""What every layer shares: limits, errors, records, time and tokens. Imports no other layer."""
