"""Optional check that a bring-your-own Anthropic key works, with one cheap call."""

from __future__ import annotations

import anthropic
import httpx2

from backend.llm.clients import make_client
from backend.llm.errors import LLMError, classify_error

VERIFY_TIMEOUT_SECONDS = 10.0


async def verify_api_key(
    api_key: str, base_url: str | None = None, *, timeout: float = VERIFY_TIMEOUT_SECONDS
) -> None:
    """Return if Anthropic accepts `api_key` (one models-list call); raise `LLMError` otherwise.

    `kind == "invalid_key"` means the key itself was rejected; other kinds mean the check
    could not be made (busy, timeout, network) and says nothing about the key.
    """
    if not api_key or not api_key.strip():
        raise LLMError("invalid_key")
    client = make_client(api_key=api_key.strip(), base_url=base_url, timeout=timeout)
    try:
        await client.models.list(limit=1)
    except (anthropic.AnthropicError, httpx2.HTTPError, TimeoutError, OSError) as error:
        raise classify_error(error) from None
    finally:
        await client.close()
