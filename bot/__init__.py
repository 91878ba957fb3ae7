"""BoardBot: a Slack bot for the members of partnership boards."""
