"""The ice_facilities dataset format: metadata.yaml and what is particular to it."""
