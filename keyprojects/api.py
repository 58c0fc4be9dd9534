"""The REST API root: /api/v1/ (OpenAPI at /api/v1/docs). Routers live in each app's api.py."""

from ninja import NinjaAPI

api = NinjaAPI(title="KeyProjects API", version="1", urls_namespace="api")
