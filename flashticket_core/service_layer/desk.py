"""The help desk's operations, by area. Each area checks the actor's permission
(`domain/permissions.py`) on the server, by their chat user ID, for every call."""

from __future__ import annotations

from dataclasses import dataclass

from flashticket_core.service_layer.admin import Admin
from flashticket_core.service_layer.approvals import Approvals
from flashticket_core.service_layer.common import Environment
from flashticket_core.service_layer.conversation import Conversation
from flashticket_core.service_layer.following import Following
from flashticket_core.service_layer.intake import Intake
from flashticket_core.service_layer.people import People
from flashticket_core.service_layer.queries import Queries
from flashticket_core.service_layer.reassignment import Assignment
from flashticket_core.service_layer.roles import Roles
from flashticket_core.service_layer.routing import Routing
from flashticket_core.service_layer.saved_replies import SavedReplies
from flashticket_core.service_layer.tickets import Tickets


@dataclass(frozen=True)
class HelpDesk:
    tickets: Tickets
    intake: Intake
    conversation: Conversation
    roles: Roles
    queries: Queries
    admin: Admin
    people: People
    routing: Routing
    replies: SavedReplies
    assignment: Assignment
    approvals: Approvals
    following: Following

    @classmethod
    def over(cls, env: Environment) -> HelpDesk:
        return cls(
            tickets=Tickets(env),
            intake=Intake(env),
            conversation=Conversation(env),
            roles=Roles(env),
            queries=Queries(env),
            admin=Admin(env),
            people=People(env),
            routing=Routing(env),
            replies=SavedReplies(env),
            assignment=Assignment(env),
            approvals=Approvals(env),
            following=Following(env),
        )

    @property
    def env(self) -> Environment:
        return self.tickets.env
