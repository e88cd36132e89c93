from django.apps import AppConfig


class CoalitionsConfig(AppConfig):
    name = "accord.coalitions"
    label = "coalitions"
    verbose_name = "Coalitions"
