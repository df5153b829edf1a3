"""``reelwright mcp``: an MCP server whose tools call Reelwright's own public API.

One implementation serves both transports: over stdio it calls a running server over HTTP with an
API key; mounted on ``serve`` at ``/mcp`` it calls the same app in-process with the caller's key."""
