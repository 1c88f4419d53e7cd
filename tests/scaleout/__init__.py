"""Tests of the scale-out profile: through nginx, the files in deploy/, and the rest of
issue 12 on PostgreSQL and Redis."""
