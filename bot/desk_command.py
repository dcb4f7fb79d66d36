"""`flashticket desk`: the desk file (FLASHTICKET_DESK_FILE), tried before it is used."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy.exc import SQLAlchemyError

from bot.settings import Settings
from bot.startup_checks import checked_desk_file, missing_database
from flashticket_core.desk_file import DeskFileError, DeskStructure, RequestType
from flashticket_core.domain.enums import AssignmentRule
from flashticket_core.service_layer.replay import Replay, TargetCount


def add_desk_commands(commands: Any) -> None:
    """`desk check FILE` under the command line's subcommands (`commands`)."""
    desk = commands.add_parser("desk", help="the desk file (FLASHTICKET_DESK_FILE)")
    desk_commands = desk.add_subparsers(dest="desk_command", required=True, metavar="command")
    check = desk_commands.add_parser(
        "check", help="check a desk file, no database or Slack: a summary, or what is wrong"
    )
    check.add_argument("file", help="the desk file (YAML)")
    check.set_defaults(run=cmd_desk_check)
    replay = desk_commands.add_parser(
        "replay",
        help="replay the past tickets of the database (DATABASE_URL, read only) through a "
        "desk file: per team, the tickets it would have received and the targets met or missed",
    )
    replay.add_argument("file", help="the proposed desk file (YAML)")
    replay.add_argument(
        "--days", type=_days, default=90, help="replay the tickets of the last DAYS days (90)"
    )
    replay.set_defaults(run=cmd_desk_replay)


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


def cmd_desk_replay(args: argparse.Namespace) -> int:
    """The past tickets through the proposed desk file, changing nothing: per team, what
    it would have received and how its targets would have gone; 0, or 1 with one line."""
    from flashticket_core.adapters.sql_replay import SqlPastTickets, read_only_engine
    from flashticket_core.service_layer.replay import replay_desk

    try:
        structure = checked_desk_file(args.file)
    except DeskFileError as error:
        print(f"flashticket: {error}", file=sys.stderr)
        return 1
    try:
        settings = Settings()
    except ValidationError as error:
        print(f"flashticket: invalid setting: {error.errors()[0]['msg']}", file=sys.stderr)
        return 1
    missing = missing_database(settings)
    if missing is not None:
        print(f"flashticket: {missing}", file=sys.stderr)
        return 1
    engine = read_only_engine(settings.database_url)
    try:
        replay = replay_desk(
            SqlPastTickets(engine),
            structure,
            settings,
            now=datetime.now(UTC),
            days=args.days,
        )
    except SQLAlchemyError as error:
        reason = " ".join(str(error.orig if hasattr(error, "orig") else error).split())
        print(f"flashticket: cannot read the database: {reason[:300]}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print("\n".join(replay_lines(args.file, replay, days=args.days)))
    return 0


def replay_lines(source: str, replay: Replay, *, days: int) -> list[str]:
    """A replay per team: the tickets received, then each kind of target."""
    lines = [
        f"{source}: {_count(replay.received, 'ticket')} of the last {_count(days, 'day')} "
        f"(opened since {replay.since:%Y-%m-%d %H:%M} UTC), replayed"
    ]
    for result in replay.teams:
        team = result.team
        lines.append(f"team {team.id} ({team.name}): {_count(result.received, 'ticket')}")
        lines.append(f"  first response: {_targets(result.first_response)}")
        lines.append(f"  resolution: {_targets(result.resolution)}")
    return lines


def _targets(count: TargetCount) -> str:
    parts = [f"{count.met:,} met", f"{count.missed:,} missed", f"{count.still_open:,} still open"]
    if count.untargeted:
        parts.append(f"{count.untargeted:,} without a target")
    return ", ".join(parts)


def _days(text: str) -> int:
    try:
        days = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of days") from None
    if not 1 <= days <= 36_500:
        raise argparse.ArgumentTypeError("the days must be between 1 and 36500")
    return days


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
        if team.saved_replies:
            about.append(
                _count(len(team.saved_replies), "saved reply").replace("replys", "replies")
            )
        if team.assignment is not AssignmentRule.NONE:
            about.append(f"assignment {team.assignment}")
        if team.reassign_after:
            about.append(f"reassign after {team.reassign_after}")
        lines.append(f"team {team.id} ({team.name}): {', '.join(about)}")
        for kind in structure.request_types_of(team.id):
            fields = ", ".join(
                f"{field.id} ({field.type}{', required' if field.required else ''})"
                for field in kind.fields
            )
            approval = _approval(kind)
            lines.append(
                f"  request type {kind.id} ({kind.name}): {fields or 'no fields'}{approval}"
            )
    return lines


def _approval(kind: RequestType) -> str:
    """`; approved by 2 approvers, user group S…` for a type with approvers."""
    who = [_count(len(kind.approvers), "approver")] if kind.approvers else []
    if kind.approver_group:
        who.append(f"user group {kind.approver_group}")
    return f"; approved by {', '.join(who)}" if who else ""


def _count(number: int, thing: str) -> str:
    return f"{number:,} {thing}{'' if number == 1 else 's'}"
