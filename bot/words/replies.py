"""The bot's words of the saved replies: `/ticket-admin replies`, the reply form's select
and "Save as reply"."""

from __future__ import annotations

from flashticket_core.i18n import Language

WORDS: dict[str, dict[Language, str]] = {
    "bot.usage.replies": {
        Language.EN: (
            "/ticket-admin replies add <team> <title> | <text>, "
            "replies list [team], replies remove <id>"
        ),
        Language.DE: (
            "/ticket-admin textbausteine hinzufügen <Team> <Titel> | <Text>, "
            "textbausteine liste [Team], textbausteine entfernen <Nr>"
        ),
    },
    "bot.replies.added": {
        Language.EN: "Saved reply `{reply_id}` “{title}” added to {team}.",
        Language.DE: "Textbaustein `{reply_id}` „{title}“ für {team} angelegt.",
    },
    "bot.replies.removed": {
        Language.EN: "Saved reply `{reply_id}` “{title}” of {team} removed.",
        Language.DE: "Textbaustein `{reply_id}` „{title}“ von {team} entfernt.",
    },
    "bot.replies.title": {
        Language.EN: "Saved replies ({count})",
        Language.DE: "Textbausteine ({count})",
    },
    "bot.replies.empty": {
        Language.EN: "No saved replies yet. Add one: `/ticket-admin replies add <team> <title> | <text>`",
        Language.DE: (
            "Noch keine Textbausteine. Anlegen: "
            "`/ticket-admin textbausteine hinzufügen <Team> <Titel> | <Text>`"
        ),
    },
    "bot.replies.line": {
        Language.EN: "`{reply_id}` {team}: *{title}*{text}",
        Language.DE: "`{reply_id}` {team}: *{title}*{text}",
    },
    "bot.replies.in_file": {
        Language.EN: "(desk file)",
        Language.DE: "(Desk-Datei)",
    },
    "bot.field.saved_reply": {
        Language.EN: "Insert a saved reply",
        Language.DE: "Textbaustein einfügen",
    },
    "bot.replies.sent": {
        Language.EN: "Your reply on #{ticket_id} went out.",
        Language.DE: "Ihre Rückmeldung zu #{ticket_id} ist verschickt.",
    },
    "bot.replies.save_button": {
        Language.EN: "Save as reply",
        Language.DE: "Als Textbaustein speichern",
    },
    "bot.modal.save_reply.title": {
        Language.EN: "Save as reply",
        Language.DE: "Textbaustein speichern",
    },
    "bot.modal.save": {Language.EN: "Save", Language.DE: "Speichern"},
    "bot.field.reply_title": {Language.EN: "Title", Language.DE: "Titel"},
    "bot.field.reply_text": {Language.EN: "Text", Language.DE: "Text"},
    "bot.replies.saved": {
        Language.EN: "Saved as reply `{reply_id}` “{title}” for {team}.",
        Language.DE: "Als Textbaustein `{reply_id}` „{title}“ für {team} gespeichert.",
    },
}
