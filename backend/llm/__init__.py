"""Talking to Claude: streaming replies, error classification, history within a budget, titles.

Plain Python (no Reflex); the service layer persists what these functions return.
"""

from backend.llm.errors import LLMError, classify_error
from backend.llm.history import assemble_history, estimate_tokens
from backend.llm.stream import Completion, StreamEvent, TextDelta, stream_reply
from backend.llm.titles import title_from_first_message
from backend.llm.verify import verify_api_key

__all__ = [
    "Completion",
    "LLMError",
    "StreamEvent",
    "TextDelta",
    "assemble_history",
    "classify_error",
    "estimate_tokens",
    "stream_reply",
    "title_from_first_message",
    "verify_api_key",
]
