"""Deadlines, notifications and the calendar feed (the deadlines capability)."""

from django.urls import path

app_name = "deadlines"
urlpatterns: list = []
