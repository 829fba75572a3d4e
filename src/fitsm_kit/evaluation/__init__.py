"""Service level evaluation from measurement data (PR2.3, PR2.5): outages, tickets and agreed hours."""
