"""Due-process rules over one person's timeline: a registry of pure checks that raise flags."""
