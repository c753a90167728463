"""What every demo plug-in shares and no plug-in writes again (no Django; torch imported lazily)."""
