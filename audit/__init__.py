"""The audit trail: append-only, hash-chained records of who did what to which object,
when and from where (sign-ins, consultation data, calls, staff changes, exports)."""
