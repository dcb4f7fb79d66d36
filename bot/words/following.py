"""Followers and tickets opened for someone else: the new-ticket form's people pickers,
the card's buttons, a follower's DM thread, and what the reporter and the opener read."""

from __future__ import annotations

from flashticket_core.i18n import Language

WORDS: dict[str, dict[Language, str]] = {
    "bot.field.followers": {Language.EN: "Keep informed", Language.DE: "Auch informieren"},
    "bot.field.followers.hint": {
        Language.EN: "Up to {count} people who get every update in their own direct message.",
        Language.DE: "Bis zu {count} Personen, die jede Neuigkeit in einer eigenen Direktnachricht erhalten.",
    },
    "bot.field.on_behalf": {Language.EN: "On behalf of", Language.DE: "Im Namen von"},
    "bot.field.on_behalf.hint": {
        Language.EN: "Open the ticket for this person: they become its reporter and get its updates.",
        Language.DE: "Das Ticket für diese Person eröffnen: Sie wird Anwender und erhält die Neuigkeiten.",
    },
    "bot.form.not_a_person": {
        Language.EN: "An app or a deactivated account cannot be named here; choose a person.",
        Language.DE: "Ein Bot oder ein deaktiviertes Konto kann hier nicht gewählt werden; wählen Sie eine Person.",
    },
    "bot.history.follower": {Language.EN: "Kept informed", Language.DE: "Auch informiert"},
    "bot.button.follow": {Language.EN: "Follow", Language.DE: "Folgen"},
    "bot.button.unfollow": {Language.EN: "Unfollow", Language.DE: "Nicht mehr folgen"},
    "bot.card.followers": {
        Language.EN: "Kept informed: {people}",
        Language.DE: "Auch informiert: {people}",
    },
    "bot.followed": {
        Language.EN: "You follow *#{ticket_id}* now: every status change and support reply "
        "arrives in your direct messages with me.",
        Language.DE: "Sie folgen jetzt *#{ticket_id}*: Jede Statusänderung und jede "
        "Support-Rückmeldung kommt in Ihre Direktnachrichten mit mir.",
    },
    "bot.followed.already": {
        Language.EN: "You follow *#{ticket_id}* already.",
        Language.DE: "Sie folgen *#{ticket_id}* bereits.",
    },
    "bot.unfollowed": {
        Language.EN: "You no longer follow *#{ticket_id}*.",
        Language.DE: "Sie folgen *#{ticket_id}* nicht mehr.",
    },
    "bot.follower.root": {
        Language.EN: "You are following *#{ticket_id}* “{title}”. Every status change and "
        "support reply arrives in this thread.",
        Language.DE: "Sie folgen *#{ticket_id}* „{title}“. Jede Statusänderung und jede "
        "Support-Rückmeldung kommt in diesen Thread.",
    },
    "bot.follower.root_added": {
        Language.EN: "You are following *#{ticket_id}* “{title}”: <@{actor}> asked to keep "
        "you informed. Every status change and support reply arrives in this thread.",
        Language.DE: "Sie folgen *#{ticket_id}* „{title}“: <@{actor}> möchte Sie auf dem "
        "Laufenden halten. Jede Statusänderung und jede Support-Rückmeldung kommt in "
        "diesen Thread.",
    },
    "bot.dm.follower_added": {
        Language.EN: "<@{user}> follows *#{ticket_id}* now and gets its updates.",
        Language.DE: "<@{user}> folgt jetzt *#{ticket_id}* und erhält die Neuigkeiten.",
    },
    "bot.dm.follower_added_by": {
        Language.EN: "<@{actor}> asked to keep <@{user}> informed of *#{ticket_id}*.",
        Language.DE: "<@{actor}> lässt <@{user}> über *#{ticket_id}* informieren.",
    },
    "bot.dm.opened_on_behalf": {
        Language.EN: "<@{actor}> opened this ticket for you: *#{ticket_id}* “{title}”. "
        "Every update arrives in this thread; reply here to add information. "
        "If you do not want this ticket, withdraw it.",
        Language.DE: "<@{actor}> hat dieses Ticket für Sie eröffnet: *#{ticket_id}* „{title}“. "
        "Alle Neuigkeiten kommen in diesen Thread; antworten Sie hier, um etwas zu ergänzen. "
        "Wollen Sie dieses Ticket nicht, ziehen Sie es zurück.",
    },
    "bot.person.opened_on_behalf": {
        Language.EN: "You opened *#{ticket_id}* “{title}” for <@{reporter}>; they get its "
        "updates in their direct messages.",
        Language.DE: "Sie haben *#{ticket_id}* „{title}“ für <@{reporter}> eröffnet; die "
        "Person erhält die Neuigkeiten in ihren Direktnachrichten.",
    },
}
