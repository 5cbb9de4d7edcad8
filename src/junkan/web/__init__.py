"""Server-rendered web UI (Jinja2), Japanese and English, no remote assets."""
