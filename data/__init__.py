"""Shipped data: playbook content, templates and demo seeds."""
