"""What Slack's Web API refuses, and the Block Kit limits it refuses with `invalid_blocks`.

Slack answers a refusal with HTTP 200 and `{"ok": false, "error": ...}`; a Block Kit
limit also says which one in `response_metadata.messages`, as Slack does.
"""

from __future__ import annotations

from typing import Any

MODAL_TEXT_MAX = 24
MESSAGE_BLOCKS_MAX = 50
VIEW_BLOCKS_MAX = 100
SECTION_TEXT_MAX = 3000
SECTION_FIELD_MAX = 2000
BUTTON_TEXT_MAX = 75
BUTTON_VALUE_MAX = 2000
ACTION_ID_MAX = 255
OPTION_TEXT_MAX = 75
OPTION_VALUE_MAX = 150
OPTIONS_MAX = 100
PRIVATE_METADATA_MAX = 3000


class SlackError(Exception):
    """Slack refused the call: answered as `{"ok": false, "error": ...}` with HTTP 200."""

    def __init__(self, error: str, messages: list[str] | None = None, **details: str) -> None:
        super().__init__(error)
        self.error = error
        self.messages = messages or []
        # What Slack adds to some refusals: `needed` and `provided` to a missing_scope.
        self.details = details

    def answer(self) -> dict[str, Any]:
        """The JSON body Slack sends for this refusal."""
        body: dict[str, Any] = {"ok": False, "error": self.error, **self.details}
        if self.messages:
            body["response_metadata"] = {"messages": self.messages}
        return body


class BlockError(SlackError):
    """A Block Kit limit Slack would refuse with invalid_blocks, saying which one."""

    def __init__(self, problem: str) -> None:
        super().__init__("invalid_blocks", [f"[ERROR] {problem}"])
        self.problem = problem


def missing(field: str) -> SlackError:
    """What Slack answers when a required argument is absent."""
    return SlackError("invalid_arguments", [f"[ERROR] missing required field: {field}"])


def text_of(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("text", ""))
    return str(value or "")


def check_message(args: dict[str, Any]) -> None:
    """A message needs text, blocks or attachments, and blocks within the limits."""
    blocks = args.get("blocks")
    if not args.get("text") and not blocks and not args.get("attachments"):
        raise SlackError("no_text")
    if blocks:
        check_blocks(blocks, MESSAGE_BLOCKS_MAX)


def check_view(view: dict[str, Any]) -> None:
    """Modal title/submit/close and private_metadata limits, then the blocks."""
    for key in ("title", "submit", "close"):
        if key in view and len(text_of(view[key])) > MODAL_TEXT_MAX:
            raise BlockError(f"view {key} longer than {MODAL_TEXT_MAX} characters")
    if len(str(view.get("private_metadata") or "")) > PRIVATE_METADATA_MAX:
        raise BlockError(f"private_metadata longer than {PRIVATE_METADATA_MAX} characters")
    check_blocks(view.get("blocks") or [], VIEW_BLOCKS_MAX)


def check_blocks(blocks: Any, limit: int) -> None:
    if not isinstance(blocks, list):
        raise BlockError("blocks must be a list")
    if len(blocks) > limit:
        raise BlockError(f"{len(blocks)} blocks, more than {limit}")
    block_ids: set[str] = set()
    for index, block in enumerate(blocks):
        if not isinstance(block, dict) or "type" not in block:
            raise BlockError(f"block {index} has no type")
        block_id = block.get("block_id")
        if block_id is not None:
            if block_id in block_ids:
                raise BlockError(f"duplicate block_id {block_id}")
            block_ids.add(block_id)
        _check_block(block)


def _check_block(block: dict[str, Any]) -> None:
    if block["type"] == "section":
        if len(text_of(block.get("text"))) > SECTION_TEXT_MAX:
            raise BlockError(f"section text longer than {SECTION_TEXT_MAX} characters")
        for item in block.get("fields") or []:
            if len(text_of(item)) > SECTION_FIELD_MAX:
                raise BlockError(f"section field longer than {SECTION_FIELD_MAX} characters")
    elements = list(block.get("elements") or [])
    elements += [block[key] for key in ("accessory", "element") if key in block]
    action_ids: set[str] = set()
    for element in elements:
        if not isinstance(element, dict):
            continue
        _check_element(element)
        action_id = element.get("action_id")
        if action_id is not None:
            if action_id in action_ids:
                raise BlockError(f"duplicate action_id {action_id} in one block")
            action_ids.add(action_id)


def _check_element(element: dict[str, Any]) -> None:
    if len(str(element.get("action_id") or "")) > ACTION_ID_MAX:
        raise BlockError(f"action_id longer than {ACTION_ID_MAX} characters")
    if element.get("type") == "button":
        if len(text_of(element.get("text"))) > BUTTON_TEXT_MAX:
            raise BlockError(f"button text longer than {BUTTON_TEXT_MAX} characters")
        if len(str(element.get("value") or "")) > BUTTON_VALUE_MAX:
            raise BlockError(f"button value longer than {BUTTON_VALUE_MAX} characters")
    options = element.get("options")
    if options is not None:
        _check_options(options)
    groups = element.get("option_groups")
    if groups is not None:
        if not isinstance(groups, list) or len(groups) > OPTIONS_MAX:
            raise BlockError(f"option_groups must be a list of at most {OPTIONS_MAX}")
        for group in groups:
            if not isinstance(group, dict) or len(text_of(group.get("label"))) > OPTION_TEXT_MAX:
                raise BlockError(f"option group label longer than {OPTION_TEXT_MAX} characters")
            _check_options(group.get("options"))


def _check_options(options: Any) -> None:
    if not isinstance(options, list):
        raise BlockError("options must be a list")
    if len(options) > OPTIONS_MAX:
        raise BlockError(f"{len(options)} options, more than {OPTIONS_MAX}")
    for option in options:
        if not isinstance(option, dict):
            raise BlockError("an option must be an object")
        if len(text_of(option.get("text"))) > OPTION_TEXT_MAX:
            raise BlockError(f"option text longer than {OPTION_TEXT_MAX} characters")
        if len(str(option.get("value") or "")) > OPTION_VALUE_MAX:
            raise BlockError(f"option value longer than {OPTION_VALUE_MAX} characters")
