"""The local console: the real Bolt app and core against a Slack emulated in-process."""
