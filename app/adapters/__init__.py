"""Platform adapters: one module per platform plus the shared HTTP, OAuth and media plumbing.

The engine sees them only through app.core.ports.PlatformAdapter; build them with
app.adapters.registry.build_adapters.
"""
