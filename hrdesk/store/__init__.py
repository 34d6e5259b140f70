"""The vault: SQLCipher connection, key slots, schema and migrations, the single
write path and op-log, queries, full-text search, backups. The only package
that speaks SQL."""
