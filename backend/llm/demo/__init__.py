"""The local demo model: a server speaking Anthropic's Messages API, for `SKOPX_FAKE_LLM=1` and tests."""
