"""The web app for advocates: pages, the JSON API, sign-in; thin over habeas.services."""
