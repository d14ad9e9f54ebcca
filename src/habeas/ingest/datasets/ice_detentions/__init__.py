"""The ice_detentions dataset format: metadata.yaml and what is particular to it."""
