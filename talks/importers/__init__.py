"""Importers for talk sources. ``knowledge_vault`` parses (pure Python); ``api`` writes to the database."""
