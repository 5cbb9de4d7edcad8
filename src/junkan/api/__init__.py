"""REST API under ``/api/v1``: thin FastAPI routers, one module per context."""
