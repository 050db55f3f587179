"""Data PM Pathfinder: content, domain logic, charts, progress store and UI for the dashboard."""
