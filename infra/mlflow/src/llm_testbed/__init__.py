"""LLM-evaluation testbed, Python side."""
