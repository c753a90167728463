"""Fuzzing support: corpus mutations shared by the Hypothesis tests and the atheris targets."""
