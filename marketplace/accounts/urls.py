"""Sign up, confirm email, log in and out. Views to be written (issue 3)."""
app_name = "accounts"
urlpatterns: list = []
