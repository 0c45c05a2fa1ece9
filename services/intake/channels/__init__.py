"""Intake channels: the ways a document reaches an office (edXML, email, ...).

Each module here is framework-free: it turns raw input into plain dicts and builds replies;
the nameko service calls it and does the storing.
"""
