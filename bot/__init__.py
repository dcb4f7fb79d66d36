"""FlashTicket's Slack adapter and command-line entry point."""
