"""Protection of the people in the database: keys, encryption, access decisions, the audit chain."""
