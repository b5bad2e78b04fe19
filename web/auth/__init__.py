"""Staff sign-in, sessions, the screen lock and the second factor for the web UI."""
