from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "accord.agreements"
    label = "agreements"
    verbose_name = "Agreements (the constitution)"

    def ready(self) -> None:
        # What a passed amendment, founding, admission or request to leave does (see decisions.actions.Effect).
        from . import effects

        effects.register()
