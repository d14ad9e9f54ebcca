"""Due-process rules over one person's timeline: a registry of pure checks that raise flags.

A new rule is its family module (``habeas.rules.families``), its tests and its generated
page (``python -m habeas.rules.docs docs/rules``); its title reaches the web app's catalogs
with ``make i18n``. See docs/rules/README.md, "Adding a rule".
"""
