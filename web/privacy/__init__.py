"""Staff screens for privacy: consent and audit panels on the client profile, the privacy
officer's workspace (/app/privacy) and the owner's privacy-policy page."""
