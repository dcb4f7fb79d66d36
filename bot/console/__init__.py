"""The local console: the real Bolt app and core against the strict Slack workspace
the tests use, served on 127.0.0.1."""
