"""Slack-free command functions: one module per slash command or message intent."""
