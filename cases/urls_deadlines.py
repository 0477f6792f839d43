"""Deadlines, notifications and the calendar feed (the deadlines capability)."""

app_name = "deadlines"
urlpatterns: list = []
