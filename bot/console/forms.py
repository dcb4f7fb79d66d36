"""A modal filled in at the terminal, field by field, as Slack's form would take it.

Enter keeps a field's default, `-` empties an optional one, a number or its name picks
an option, `cancel` closes the form. What Slack's form itself refuses (a required field
left empty, a text too long or too short) is asked again before the bot sees anything;
what the bot refuses (`response_action: errors`) is asked again after it answered.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable
from typing import Any

from bot.console.words import Say as Words

Read = Callable[[str], "str | None"]
Say = Callable[[str], None]
# The view's state values in, the bot's errors by block ID out (none: it took them).
Submit = Callable[[dict[str, dict[str, Any]]], dict[str, str]]
# A local file put on the workspace's file host: its file object, or None if unreadable.
Attach = Callable[[str], "dict[str, Any] | None"]


# A person's name as typed (`@ana`, `ana`) to their user ID in the workspace.
People = Callable[[str], str]

# The people pickers, and how many people each takes.
PEOPLE_PICKERS = {"users_select": 1, "multi_users_select": 100}


# An input that acts when chosen (`dispatch_action`): the view and its state so far in,
# the view as the bot changed it out (None: unchanged).
Choose = Callable[
    [dict[str, Any], dict[str, Any], dict[str, dict[str, Any]]], "dict[str, Any] | None"
]


def fill(
    view: dict[str, Any],
    read: Read,
    say: Say,
    submit: Submit,
    attach: Attach | None = None,
    *,
    words: Words,
    choose: Choose | None = None,
    people: People | None = None,
) -> None:
    """Ask for every input of the modal and submit it, until the bot takes it or the
    person closes it (`cancel`, end of input, or Ctrl-C). An input that acts when
    chosen (the request type) is sent at once, and the form goes on as the bot changed
    it."""
    say(words("form", title=view["title"]["text"]))
    try:
        _fill(view, read, say, submit, attach, words, choose, people)
    except KeyboardInterrupt:
        say("")
        say(words("form_closed"))


def _state(inputs: list[dict[str, Any]], values: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {
        b["block_id"]: {b["element"].get("action_id", "value"): values[b["block_id"]]}
        for b in inputs
        if b["block_id"] in values
    }


def _fill(
    view: dict[str, Any],
    read: Read,
    say: Say,
    submit: Submit,
    attach: Attach | None,
    words: Words,
    choose: Choose | None = None,
    people: People | None = None,
) -> None:
    inputs = [block for block in view["blocks"] if block.get("type") == "input"]
    values: dict[str, dict[str, Any]] = {}
    pending = inputs
    while pending:
        changed = None
        for block in pending:
            if block["element"].get("type") == "file_input":
                value = _ask_files(block, read, say, attach, words)
            elif block["element"].get("type") in PEOPLE_PICKERS and people is not None:
                value = _ask_people(block, read, say, people, words)
            else:
                value = _ask(block, read, say, words)
            if value is None:
                say(words("form_closed"))
                return
            values[block["block_id"]] = value
            if block.get("dispatch_action") and choose is not None:
                changed = choose(view, block, _state(inputs, values))
                if changed is not None:
                    break
        if changed is not None:
            # The form as the bot changed it: its new inputs are asked next.
            view = changed
            inputs = [block for block in view["blocks"] if block.get("type") == "input"]
            pending = [block for block in inputs if block["block_id"] not in values]
            continue
        state = _state(inputs, values)
        errors = submit(state)
        if not errors:
            say(f"└ {view['submit']['text']}")
            return
        for message in errors.values():
            say(f"│ ! {message}")
        pending = [block for block in inputs if block["block_id"] in errors]


def errors_of(answer: Any) -> dict[str, str]:
    """The errors by block ID of the bot's answer to a submission, if it refused it."""
    if isinstance(answer, dict) and answer.get("response_action") == "errors":
        errors = answer.get("errors")
        if isinstance(errors, dict):
            return {str(k): str(v) for k, v in errors.items()}
    return {}


def _ask(block: dict[str, Any], read: Read, say: Say, words: Words) -> dict[str, Any] | None:
    """One field's value as Slack's form would take it; None if the form is closed."""
    if "options" in block["element"]:
        return _ask_choice(block, read, say, words)
    element, label = block["element"], block["label"]["text"]
    optional = bool(block.get("optional"))
    default_text = element.get("initial_value") or ""
    longest, shortest = element.get("max_length"), element.get("min_length")
    while True:
        line = read(f"│ {label}{words('optional') if optional else ''} [{default_text}]: ")
        if line is None or line.strip() == "cancel":
            return None
        text = default_text if line == "" else ("" if line.strip() == "-" else line)
        # Slack's form itself refuses these before the bot sees anything.
        if not text and not optional:
            say(words("required"))
        elif longest and len(text) > longest:
            say(words("too_long", most=longest, typed=len(text)))
        elif text and shortest and len(text) < shortest:
            say(words("too_short", least=shortest))
        else:
            return {"type": element["type"], "value": text or None}


def _ask_files(
    block: dict[str, Any], read: Read, say: Say, attach: Attach | None, words: Words
) -> dict[str, Any] | None:
    """A file input: local paths, separated by spaces; Enter or `-` attaches none."""
    element, label = block["element"], block["label"]["text"]
    most = int(element.get("max_files") or 10)
    while True:
        line = read(words("files_prompt", label=label, most=most))
        if line is None or line.strip() == "cancel":
            return None
        paths = [] if line.strip() in ("", "-") else split_paths(line)
        if paths is None:
            say(words("file_unreadable"))
            continue
        if len(paths) > most:
            say(words("too_many_files", most=most))
            continue
        files = [attach(path) for path in paths] if attach else []
        if any(file is None for file in files):
            say(words("file_unreadable"))
            continue
        return {"type": "file_input", "files": files}


def _ask_people(
    block: dict[str, Any], read: Read, say: Say, people: People, words: Words
) -> dict[str, Any] | None:
    """A people picker: names (`@ana @ben`, or `ana, ben`); Enter or `-` picks nobody."""
    element, label = block["element"], block["label"]["text"]
    kind = element["type"]
    most = min(PEOPLE_PICKERS[kind], int(element.get("max_selected_items") or 100))
    optional = words("optional") if block.get("optional") else ""
    while True:
        line = read(words("people_prompt", label=label, optional=optional))
        if line is None or line.strip() == "cancel":
            return None
        names = [n.lstrip("@") for n in line.replace(",", " ").split() if n.strip("@-")]
        if not names and not optional:
            say(words("required"))
            continue
        if len(names) > most:
            say(words("too_many_people", most=most))
            continue
        picked = list(dict.fromkeys(people(name) for name in names))
        if kind == "users_select":
            return {"type": kind, "selected_user": picked[0] if picked else None}
        return {"type": kind, "selected_users": picked}


def split_paths(line: str) -> list[str] | None:
    """Paths as a shell splits them (`"My Documents/a.log" b.txt`); None if unbalanced."""
    try:
        return shlex.split(line)
    except ValueError:
        return None


def _ask_choice(block: dict[str, Any], read: Read, say: Say, words: Words) -> dict[str, Any] | None:
    element, label = block["element"], block["label"]["text"]
    optional = bool(block.get("optional"))
    options = element["options"]
    default = (
        options.index(element["initial_option"]) + 1
        if element.get("initial_option") in options
        else None
    )
    choices = "  ".join(f"({i}) {o['text']['text']}" for i, o in enumerate(options, start=1))
    say(f"│ {label}: {choices}")
    while True:
        line = read(f"│ {label}{words('optional') if optional else ''} [{default or ''}]: ")
        if line is None or line.strip() == "cancel":
            return None
        answer = line.strip()
        if not answer and default is None and optional:
            return {"type": element["type"], "selected_option": None}
        picked = pick(answer, options) if answer else default
        if picked is not None:
            return {"type": element["type"], "selected_option": options[picked - 1]}
        say(words("pick_one", choices=choices))


def pick(answer: str, options: list[dict[str, Any]]) -> int | None:
    """The option (1-based) a typed answer names, by number or by its text."""
    if answer.isdigit():
        number = int(answer)
        return number if 1 <= number <= len(options) else None
    for number, option in enumerate(options, start=1):
        # By its label, or by the word its value ends in (`resolved` for "Gelöst").
        value = str(option.get("value", "")).rsplit("|", 1)[-1]
        if answer.casefold() in (str(option["text"]["text"]).casefold(), value.casefold()):
            return number
    return None
