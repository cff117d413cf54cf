"""Officers' vendor pages (/officer/vendors/...). Views to be written (issue 3)."""
app_name = "officer"
urlpatterns: list = []
