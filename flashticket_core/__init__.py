"""FlashTicket's product core: tickets, roles, history and statistics, with no Slack in it."""
