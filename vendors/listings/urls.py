"""The vendor portal (/portal/...). Views to be written (issue 3)."""
app_name = "portal"
urlpatterns: list = []
