"""Reports on one person: the court exhibit as Markdown, HTML and PDF."""
