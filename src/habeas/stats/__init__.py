"""Statistics for cohorts and publications: intervals, quantiles, disclosure control; pure, no I/O."""
