from django import forms
from django.utils.translation import gettext_lazy as _


class ConnectForm(forms.Form):
    name = forms.CharField(
        label=_("Integration name"),
        max_length=120,
        help_text=_("How this store is called in Ponte, e.g. the store's name."),
    )
    # Never rendered back: a key typed wrongly is pasted again, not shown on the page.
    api_key = forms.CharField(
        label=_("API key"),
        max_length=200,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off", "size": 50}),
        help_text=_("The key code copied from Loja Integrada."),
    )
