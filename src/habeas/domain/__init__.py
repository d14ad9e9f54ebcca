"""The habeas core: people, sources, events, dates, timelines and whereabouts; no I/O."""
