"""arq workers: per-tenant reminders, sweeps and delivery. Every job carries its tenant id."""
