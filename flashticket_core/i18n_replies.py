"""The catalog's words of the saved replies: what may not be done with one, and why
(`i18n.py` holds them with the rest)."""

from __future__ import annotations

from flashticket_core.language import Language

REPLY_TEXTS: dict[str, dict[Language, str]] = {
    "action.saved_replies": {
        Language.EN: "manage a team's saved replies (its support and administrators only)",
        Language.DE: "die Textbausteine eines Teams verwalten (nur sein Support und Administratoren)",
    },
    "error.saved_reply_not_found": {
        Language.EN: "There is no saved reply “{value}”.",
        Language.DE: "Es gibt keinen Textbaustein „{value}“.",
    },
    "error.saved_reply_in_desk_file": {
        Language.EN: "The saved reply “{value}” is in the desk file: change it there.",
        Language.DE: "Der Textbaustein „{value}“ steht in der Desk-Datei: Ändere ihn dort.",
    },
    "error.saved_reply_title_taken": {
        Language.EN: "The team has a saved reply “{title}” already; choose another title.",
        Language.DE: "Das Team hat schon einen Textbaustein „{title}“; wähle einen anderen Titel.",
    },
    "error.saved_replies_full": {
        Language.EN: "The team has {limit} saved replies, as many as it can keep; remove one first.",
        Language.DE: "Das Team hat bereits {limit} Textbausteine (das Maximum); entferne zuerst einen.",
    },
    "error.saved_reply_title_missing": {
        Language.EN: "A saved reply needs a title.",
        Language.DE: "Ein Textbaustein braucht einen Titel.",
    },
    "error.saved_reply_title_too_long": {
        Language.EN: "A saved reply's title may have at most {limit} characters (it has {length}).",
        Language.DE: "Der Titel eines Textbausteins darf höchstens {limit} Zeichen haben (hat {length}).",
    },
    "error.saved_reply_text_missing": {
        Language.EN: "A saved reply needs a text.",
        Language.DE: "Ein Textbaustein braucht einen Text.",
    },
    "error.saved_reply_text_too_long": {
        Language.EN: "A saved reply's text may have at most {limit} characters (it has {length}).",
        Language.DE: "Der Text eines Textbausteins darf höchstens {limit} Zeichen haben (hat {length}).",
    },
}
