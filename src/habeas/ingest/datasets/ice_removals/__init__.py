"""The ice_removals dataset format: metadata.yaml and what is particular to it."""
