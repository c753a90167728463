"""The demo plug-ins: one folder per paper, each of the shape in ``demos/PLUGIN.md`` (no Django)."""
