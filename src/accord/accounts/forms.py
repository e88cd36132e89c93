from django import forms


class SignupForm(forms.Form):
    """Extra sign-up field: the name other members see."""

    name = forms.CharField(
        max_length=200,
        label="Your name",
        help_text="How other members will see you. You can use a first name or a nickname.",
        error_messages={"required": "Enter your name as other members will see it."},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    def signup(self, request, user):  # type: ignore[no-untyped-def]
        from accord.accounts.actions import set_display_name

        set_display_name(actor=user, name=self.cleaned_data["name"])
