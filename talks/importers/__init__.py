"""Importers for talk sources. ``knowledge_vault`` parses (pure Python); ``writer`` writes to the database."""
