"""The applicant's pages (/apply/...). Views to be written (issue 3)."""
app_name = "onboarding"
urlpatterns: list = []
