"""The branch workspace: dashboard, client search, profiles and recording visits and sales."""
