"""The families of due-process rules: every module here defines RULES, and the registry finds them all."""
