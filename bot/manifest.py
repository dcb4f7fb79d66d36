"""What FlashTicket asks of a Slack workspace: commands, events, scopes.

The listeners register exactly these, and `flashticket manifest` prints exactly these,
so the app created from the manifest and the running bot cannot drift apart.
"""

from __future__ import annotations

from typing import Any

from bot.blocks.ids import FROM_MESSAGE

TICKET_COMMAND = "/ticket"
ADMIN_COMMAND = "/ticket-admin"

SLASH_COMMANDS: dict[str, dict[str, str]] = {
    TICKET_COMMAND: {
        "description": "Open, list, show and search help desk tickets",
        "usage_hint": "[title] | list | show <id> | search <words> | stats [team] [days] | help",
    },
    ADMIN_COMMAND: {
        "description": "Manage who is support or admin; undelivered messages",
        "usage_hint": "grant @person user|support|admin | revoke @person | roles | outbox",
    },
}

# Message shortcuts, by callback_id.
MESSAGE_SHORTCUTS: dict[str, dict[str, str]] = {
    FROM_MESSAGE: {
        "name": "Create ticket",
        "description": "Open a help desk ticket from this message",
    },
}

# Events the bot subscribes to, and why.
BOT_EVENTS: dict[str, str] = {
    "message.im": (
        "the reporter's answers in their ticket's DM thread; a DM outside one is offered a ticket"
    ),
    "reaction_added": "the ticket reaction opens a ticket from the message it is put on",
    "app_home_opened": "publish the App Home: own tickets; for support the queue and KPIs",
}

# Bot token scopes, each with the reason it is needed; nothing more is asked for.
BOT_SCOPES: dict[str, str] = {
    "commands": "the /ticket and /ticket-admin slash commands",
    "chat:write": (
        "post and update the ticket card in the support channel, the DMs to reporters, "
        "thread replies (the ticket number under the message it was made from) and "
        "ephemeral answers"
    ),
    "im:history": (
        "receive message.im events (what reporters write in their DM threads), read the "
        "DM a ticket is opened from, and read a DM thread back before sending a message "
        "again whose earlier answer was lost"
    ),
    "reactions:read": "receive reaction_added events: the ticket reaction on a message",
    "channels:history": (
        "read the message a ticket reaction is put on, in a public channel, and read it "
        "back before answering there again"
    ),
    "groups:history": (
        "read the message a ticket reaction is put on, in a private channel, and read the "
        "support channel back before posting again a message whose earlier answer was lost"
    ),
    "im:write": "open the DM of the person who asked for an export or the charts",
    "files:write": (
        "upload the CSV export and the statistics charts to that DM, and share the files "
        "a reporter or supporter attached in the other side's thread"
    ),
    "files:read": (
        "look up a file someone attached (files.info) and download it with the bot token, "
        "to pass it on to the other side of the ticket"
    ),
    "groups:read": "check at start-up that the support channel is private and the bot is in it",
    "users:read": "read each person's Slack locale (users.info), to answer them in their language, "
    "and whether a team member is away (users.getPresence, their status emoji) for assignment",
    "usergroups:read": (
        "read each team's user group in the desk file into its members, "
        "and check that it exists (doctor)"
    ),
}

EVENTS_PATH = "/slack/events"


def manifest(*, url: str | None, socket_mode: bool, name: str = "FlashTicket") -> dict[str, Any]:
    """The app manifest for HTTP mode (every request URL at `url` + /slack/events) or Socket Mode."""
    request_url = (
        None
        if socket_mode
        else f"{(url or 'https://tickets.example.com').rstrip('/')}{EVENTS_PATH}"
    )
    commands = []
    for command, text in SLASH_COMMANDS.items():
        entry: dict[str, Any] = {"command": command}
        if request_url:
            entry["url"] = request_url
        entry.update(text)
        # Slack then sends a mention picked from its autocomplete as <@U…|name>, the
        # user ID `/ticket-admin grant` needs; without it only the typed "@name" arrives.
        entry["should_escape"] = True
        commands.append(entry)
    shortcuts = [
        {"name": text["name"], "type": "message", "callback_id": callback_id}
        | {"description": text["description"]}
        for callback_id, text in MESSAGE_SHORTCUTS.items()
    ]
    events: dict[str, Any] = {"bot_events": list(BOT_EVENTS)}
    interactivity: dict[str, Any] = {"is_enabled": True}
    if request_url:
        events = {"request_url": request_url, **events}
        interactivity["request_url"] = request_url
    return {
        "display_information": {"name": name, "description": "IT help desk tickets in Slack"},
        "features": {
            "app_home": {
                "home_tab_enabled": True,
                "messages_tab_enabled": True,
                "messages_tab_read_only_enabled": False,
            },
            "bot_user": {"display_name": name, "always_online": True},
            "slash_commands": commands,
            "shortcuts": shortcuts,
        },
        "oauth_config": {"scopes": {"bot": list(BOT_SCOPES)}},
        "settings": {
            "event_subscriptions": events,
            "interactivity": interactivity,
            "org_deploy_enabled": False,
            "socket_mode_enabled": socket_mode,
            "token_rotation_enabled": False,
        },
    }


def to_yaml(value: Any, indent: int = 0) -> str:
    """YAML for the manifest's plain data (dicts, lists, strings, booleans)."""
    pad = "  " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, dict | list) and item:
                lines.append(f"{pad}{key}:")
                lines.append(to_yaml(item, indent + 1))
            else:
                lines.append(f"{pad}{key}: {_scalar(item)}")
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                first, *rest = to_yaml(item, indent + 1).splitlines()
                lines.append(f"{pad}- {first.strip()}")
                lines.extend(rest)
            else:
                lines.append(f"{pad}- {_scalar(item)}")
    return "\n".join(lines)


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, dict | list):
        return "{}" if isinstance(value, dict) else "[]"
    text = str(value)
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'
