"""`flashticket desk`: the desk file (FLASHTICKET_DESK_FILE), tried before it is used."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bot.startup_checks import checked_desk_file
from flashticket_core.desk_file import DeskFileError, DeskStructure


def add_desk_commands(commands: Any) -> None:
    """`desk check FILE` under the command line's subcommands (`commands`)."""
    desk = commands.add_parser("desk", help="the desk file (FLASHTICKET_DESK_FILE)")
    desk_commands = desk.add_subparsers(dest="desk_command", required=True, metavar="command")
    check = desk_commands.add_parser(
        "check", help="check a desk file, no database or Slack: a summary, or what is wrong"
    )
    check.add_argument("file", help="the desk file (YAML)")
    check.set_defaults(run=cmd_desk_check)


def cmd_desk_check(args: argparse.Namespace) -> int:
    """The desk file checked as `serve` checks it, without a database or Slack: a short
    summary and 0, or the one line of what is wrong and 1."""
    try:
        structure = checked_desk_file(args.file)
    except DeskFileError as error:
        print(f"flashticket: {error}", file=sys.stderr)
        return 1
    print("\n".join(summary(args.file, structure)))
    return 0


def summary(source: str, structure: DeskStructure) -> list[str]:
    """The desk in a few lines: its teams, and under each its request types and fields."""
    teams, kinds = len(structure.teams), len(structure.request_types)
    lines = [f"{source}: {_count(teams, 'team')}, {_count(kinds, 'request type')}"]
    for team in structure.teams:
        about = ["private"] if team.private else []
        about.append(f"channel {team.channel}")
        if team.members:
            about.append(_count(len(team.members), "member"))
        if team.usergroup:
            about.append(f"user group {team.usergroup}")
        lines.append(f"team {team.id} ({team.name}): {', '.join(about)}")
        for kind in structure.request_types_of(team.id):
            fields = ", ".join(
                f"{field.id} ({field.type}{', required' if field.required else ''})"
                for field in kind.fields
            )
            lines.append(f"  request type {kind.id} ({kind.name}): {fields or 'no fields'}")
    return lines


def _count(number: int, thing: str) -> str:
    return f"{number} {thing}{'' if number == 1 else 's'}"
