"""Deadlines, notifications and the calendar feed (the deadlines capability)."""

from django.urls import path

from cases.views import deadlines, notifications

app_name = "deadlines"
urlpatterns = [
    path("", deadlines.my_deadlines, name="mine"),
    path("<int:pk>/flytta/", deadlines.extend, name="extend"),
    path("notiser/", notifications.notification_list, name="notifications"),
    path("notiser/antal/", notifications.notification_count, name="notification_count"),
    path(
        "notiser/alla-lasta/", notifications.notifications_read_all, name="notifications_read_all"
    ),
    path("notiser/<int:pk>/last/", notifications.notification_read, name="notification_read"),
    path("installningar/", notifications.preferences, name="preferences"),
    path("installningar/kalender/", notifications.calendar_token, name="calendar_token"),
    # The token is random: the URL holds no personal data (DOMAIN.md §7).
    path("kalender/<str:token>.ics", notifications.calendar_feed, name="ical"),
]
