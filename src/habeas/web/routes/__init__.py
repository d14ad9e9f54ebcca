"""The web app's routes, one module per family of pages; each route declares its access policy."""
